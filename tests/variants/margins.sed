# margins: the other end of Decree 30's margin ranges: left 35 mm, right 20 mm, top 25 mm
# (was 30, 15, 20). Only attributes of the portrait <page> change.
# tests/lib/variant.sh applies this to templates/plan.xml (sed -f) for the case
# tests/cases/layout-margins.
/<page name="portrait"/ {
	:more
	/\/>/! {
		N
		b more
	}
	s/ left="30mm"/ left="35mm"/
	s/ right="15mm"/ right="20mm"/
	s/ top="20mm"/ top="25mm"/
}
