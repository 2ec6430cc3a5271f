# body-13pt: body text 13 pt instead of 14 (Decree 30 allows 13-14 pt).
# Only the size attribute of the "body" style changes; basis and headings inherit it.
# tests/lib/variant.sh applies this to templates/plan.xml (sed -f) for the case
# tests/cases/layout-body-13pt.
/<style name="body"/ {
	:more
	/\/>/! {
		N
		b more
	}
	s/ size="14"/ size="13"/
}
