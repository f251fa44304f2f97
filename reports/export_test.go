package reports

// LayoutCheck runs f with the PDF layout check on and returns the problems of every PDF
// laid out meanwhile, each prefixed with its title, and how many tables and cells were
// checked.
func LayoutCheck(f func()) (problems []string, tables, cells int) {
	pdfLayout = func(title string, l *layoutLog) {
		for _, p := range l.problems() {
			problems = append(problems, title+": "+p)
		}
		for _, p := range l.Pieces {
			if p.From == 0 {
				tables++
			}
		}
		cells += len(l.Cells)
	}
	defer func() { pdfLayout = nil }()
	f()
	return problems, tables, cells
}
