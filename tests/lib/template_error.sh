#!/bin/sh
# template_error.sh TEMPLATE MESSAGE OUTPUT - the check of a case whose template has a
# mistake: the message "TEMPLATE:LINE: error: ...MESSAGE" is on stderr ($STDERR) and
# OUTPUT was not written. (The exit status, 1, is the case's status file.)
if [ -e "$3" ]; then
	echo "$3 was written"
	exit 1
elif ! grep -q "$1:[0-9]*: error: .*$2" "$STDERR"; then
	echo "no '$1:LINE: error: ...$2': $(grep -v ': note: ' "$STDERR" | head -n 1)"
	exit 1
fi
echo "$1:LINE: error: ...$2"
