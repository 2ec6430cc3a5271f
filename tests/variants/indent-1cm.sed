# indent-1cm: a 1 cm first-line indent instead of 1.27 cm (Decree 30 allows either).
# Only the indent attribute of the "body" style changes; basis and headings inherit it.
# tests/layout.sh applies this to templates/plan.xml (sed -f) into build/variants/.
/<style name="body"/ {
	:more
	/\/>/! {
		N
		b more
	}
	s/ indent="1\.27cm"/ indent="1cm"/
}
