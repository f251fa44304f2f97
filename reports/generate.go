package reports

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/zhuqi/zhuqi/internal/atomicfile"
	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/store"
)

// Kinds are the documents Generate makes.
var Kinds = []string{"briefing", "ranking", "cadres", "overdue"}

// Options says where and how documents are written.
type Options struct {
	Dir  string // output folder (default "out")
	Lang string // zh (default) or en
	Font string // a TrueType CJK font; empty: FindFont's search
	// Now is the publication time recorded when a ranking is published for the first
	// time (default time.Now). It is stored in the database, never in a document.
	Now func() time.Time
	// Getenv reads $ZHUQI_FONT (default os.Getenv).
	Getenv func(string) string
	// Store, when set, is where a ranking publication is recorded with the files written
	// (RecordPublication). The scheduler leaves it unset: it records the publication
	// with the files it delivers.
	Store *store.Store
}

// Generate writes the documents of kind for period p under opt.Dir and returns the paths
// written:
//   - briefing: the leadership briefing of a month or a quarter, PDF and HTML, and its
//     charts under charts/ as PNG and SVG;
//   - ranking: the ranking publication of p (a new version when there is none yet, or when
//     the inputs changed, recorded only once its files are written), PDF, HTML, XLSX, and
//     the publication's JSON and CSV files;
//   - cadres: the cadre recognition of a week (star of the week) or month (top ten), PDF,
//     HTML and CSV;
//   - overdue: the overdue list at the snapshot time, PDF, HTML and CSV.
//
// English documents (opt.Lang "en") carry ".en" before the extension. The same database
// and options give byte-identical files. The files of one call appear together or not at
// all (atomicfile.WriteSet).
func Generate(ctx context.Context, q *queries.Q, kind string, p queries.Period, opt Options) ([]string, error) {
	L, err := lang(opt.Lang)
	if err != nil {
		return nil, err
	}
	if opt.Dir == "" {
		opt.Dir = "out"
	}
	fontPath, err := FindFont(opt.Font, opt.Getenv)
	if err != nil {
		return nil, err
	}
	h, err := textHandler(fontPath)
	if err != nil {
		return nil, err
	}
	ch := charter{h: h}
	suffix := ""
	if opt.Lang == "en" {
		suffix = ".en"
	}
	var doc *document
	var pub *queries.Publication
	var extra []output
	var base string
	switch kind {
	case "briefing":
		base = "briefing-" + p.Label
		doc, err = briefing(ctx, q, p, L, ch, base+suffix)
	case "ranking":
		now := time.Now
		if opt.Now != nil {
			now = opt.Now
		}
		pub, err = q.Prepare(ctx, p, now())
		if err != nil {
			return nil, err
		}
		base = pub.ID
		doc, err = ranking(pub, p, pub.AsOf, q.Rules().Cadre, L, ch, base+suffix)
		if err != nil {
			return nil, err
		}
		var sheets []sheet
		for i := range pub.Rankings {
			sheets = append(sheets, sheet{Name: pub.Rankings[i].Ranking, Table: queries.PubRankTable(pub, &pub.Rankings[i])})
		}
		f, err := newWorkbook(L, sheets, doc.Title+" "+pub.ID, q.AsOf)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		evFiles, quoted, err := evidenceFiles(ctx, L, f, pub)
		if err != nil {
			return nil, err
		}
		publicationExtras(doc, L, pub, quoted, q.Rules())
		x, err := saveWorkbook(f)
		if err != nil {
			return nil, err
		}
		extra = append(extra, output{base + suffix + ".xlsx", x}) // the workbook is in the documents' language
		pubFiles, err := publicationFiles(pub)
		if err != nil {
			return nil, err
		}
		pubFiles = append(pubFiles, evFiles...)
		extra = append(extra, pubFiles...)
	case "cadres":
		base = "cadres-" + p.Label
		var rk *queries.Ranking
		doc, rk, err = cadres(ctx, q, p, L)
		if err == nil {
			extra, err = csvOutput(base+".csv", queries.RankTable(rk))
		}
	case "overdue":
		base = "overdue-" + p.Label
		var flags []queries.Flag
		doc, flags, err = overdue(ctx, q, p, L)
		if err == nil {
			extra, err = csvOutput(base+".csv", queries.FlagsTable(flags))
		}
	default:
		return nil, fmt.Errorf("unknown report %q: use one of %s", kind, strings.Join(Kinds, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", kind, p.Label, err)
	}
	doc.Lang = opt.Lang
	if kind == "cadres" || kind == "overdue" {
		labelInProgress(doc, L, q, p)
	}
	pdf, err := renderPDF(doc, fontPath, q.AsOf)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", kind, p.Label, err)
	}
	page, err := renderHTML(doc)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", kind, p.Label, err)
	}
	outs := []output{{base + suffix + ".pdf", pdf}, {base + suffix + ".html", page}}
	for _, b := range doc.Blocks {
		if c := b.Chart; c != nil {
			outs = append(outs, output{filepath.Join("charts", c.Name+".png"), c.PNG}, output{filepath.Join("charts", c.Name+".svg"), c.SVG})
		}
	}
	outs = append(outs, extra...)
	paths, err := writeSet(opt.Dir, outs)
	if err != nil {
		return paths, fmt.Errorf("%s %s: %w", kind, p.Label, err)
	}
	if kind == "ranking" && opt.Store != nil {
		if err := recordFiles(ctx, opt.Store, q, pub, outs); err != nil {
			return paths, err
		}
	}
	return paths, nil
}

func writeSet(dir string, outs []output) ([]string, error) {
	files := make([]atomicfile.File, len(outs))
	for i, o := range outs {
		files[i] = atomicfile.File{Name: o.name, Data: o.data}
	}
	return atomicfile.WriteSet(dir, files)
}

// recordFiles stores a new publication with the files written, or adds them to those
// recorded with a stored one; it writes to the database only when there is something new.
func recordFiles(ctx context.Context, st *store.Store, q *queries.Q, pub *queries.Publication, outs []output) error {
	names := append([]string{}, pub.Files...)
	seen := map[string]bool{}
	for _, n := range names {
		seen[n] = true
	}
	for _, o := range outs {
		if n := filepath.ToSlash(o.name); !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	if pub.Existing && len(names) == len(pub.Files) {
		return nil
	}
	return RecordPublication(ctx, st, q.Location(), pub, names)
}

// RecordPublication records pub (made by queries.Q.Prepare) in st with the files written
// for it, in one transaction: a new version with its rows, or, for a version already
// stored (Existing), its files only. Times are recorded as wall clock in loc.
func RecordPublication(ctx context.Context, st *store.Store, loc *time.Location, pub *queries.Publication, files []string) error {
	if pub.Existing {
		return st.SetPublicationFiles(ctx, pub.ID, files)
	}
	rec, err := pub.Record(loc)
	if err != nil {
		return err
	}
	if err := st.SavePublication(ctx, rec, files); err != nil {
		return fmt.Errorf("publish %s: %w", pub.Period, err)
	}
	pub.Files = files
	return nil
}

// output is a file to write: its name under the output folder and its bytes.
type output struct {
	name string
	data []byte
}

func csvOutput(name string, t *tabular.Table) ([]output, error) {
	var b bytes.Buffer
	if err := tabular.WriteCSV(&b, t); err != nil {
		return nil, err
	}
	return []output{{name, b.Bytes()}}, nil
}

// publicationFiles are a publication's canonical JSON body and one CSV per ranking
// (evidenceFiles adds the evidence).
func publicationFiles(pub *queries.Publication) ([]output, error) {
	body, err := pub.Body()
	if err != nil {
		return nil, err
	}
	outs := []output{{pub.ID + ".json", body}}
	for i := range pub.Rankings {
		pr := &pub.Rankings[i]
		o, err := csvOutput(fmt.Sprintf("ranking-%s-%s-v%d.csv", pr.Ranking, pub.Period, pub.Version), queries.PubRankTable(pub, pr))
		if err != nil {
			return nil, err
		}
		outs = append(outs, o...)
	}
	return outs, nil
}

// publicationAndEvidence are publicationFiles and the evidence CSV files.
func publicationAndEvidence(ctx context.Context, pub *queries.Publication) ([]output, error) {
	outs, err := publicationFiles(pub)
	if err != nil {
		return nil, err
	}
	ev, _, err := evidenceFiles(ctx, nil, nil, pub)
	return append(outs, ev...), err
}

// WritePublication writes a publication's JSON body and one CSV per ranking and its
// evidence under dir, all together or none, and returns the file names relative to dir.
// The session that prepared pub must be open: its evidence is streamed from the store.
func WritePublication(ctx context.Context, dir string, pub *queries.Publication) ([]string, error) {
	outs, err := publicationAndEvidence(ctx, pub)
	if err != nil {
		return nil, err
	}
	if _, err := writeSet(dir, outs); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	names := make([]string, len(outs))
	for i, o := range outs {
		names[i] = o.name
	}
	return names, nil
}

// Publish publishes the rankings of period p (queries.Q.Prepare) and writes the
// publication's files under dir; a new version is recorded in st only once its files are
// written, with them. It returns the publication and the file names relative to dir.
func Publish(ctx context.Context, st *store.Store, q *queries.Q, p queries.Period, now time.Time, dir string) (*queries.Publication, []string, error) {
	pub, err := q.Prepare(ctx, p, now)
	if err != nil {
		return nil, nil, err
	}
	outs, err := publicationAndEvidence(ctx, pub)
	if err != nil {
		return nil, nil, err
	}
	if _, err := writeSet(dir, outs); err != nil {
		return nil, nil, fmt.Errorf("publish: %w", err)
	}
	if err := recordFiles(ctx, st, q, pub, outs); err != nil {
		return nil, nil, err
	}
	names := make([]string, len(outs))
	for i, o := range outs {
		names[i] = o.name
	}
	return pub, names, nil
}
