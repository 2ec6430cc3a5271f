# indent-1cm: a 1 cm first-line indent instead of 1.27 cm (Decree 30 allows either).
# Only the indent attribute of the "body" style changes; basis and headings inherit it.
# tests/lib/variant.sh applies this to templates/plan.xml (sed -f) for the case
# tests/cases/layout-indent-1cm.
/<style name="body"/ {
	:more
	/\/>/! {
		N
		b more
	}
	s/ indent="1\.27cm"/ indent="1cm"/
}
