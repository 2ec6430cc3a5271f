#!/bin/sh
# variant.sh NAME DIR - a template variant for the layout cases: templates/*.xml copied
# into DIR, with tests/variants/NAME.sed applied to plan.xml. Fails when the expressions
# change nothing (the template moved on and the variant no longer applies). Run from a
# case's output folder ($ROOT is the source tree).
set -e
mkdir "$2"
cp "$ROOT"/templates/*.xml "$2/"
sed -f "$ROOT/tests/variants/$1.sed" "$ROOT/templates/plan.xml" >"$2/plan.xml"
if cmp -s "$ROOT/templates/plan.xml" "$2/plan.xml"; then
	echo "tests/variants/$1.sed changes nothing in templates/plan.xml" >&2
	exit 99
fi
