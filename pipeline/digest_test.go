package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/pipeline/fastpath"
)

// digestRows are ticket rows whose ids are written in every way a cell can be: quoted with
// the delimiter inside, with doubled quotes, padded with spaces, tabs, ideographic and
// non-breaking spaces. Column 1 (the id) is not the first column, so the digest has to
// find it.
func digestLines(n int, changed map[int]string) string {
	ids := []string{`D1`, `"D2,甲"`, `"D3 ""乙"""`, "  D4 ", "\u3000D5\u3000", "\u00a0D6\u00a0", `" D7 "`, "\tD8\t"}
	var b strings.Builder
	b.WriteString("\ufeff企业名称,诉求编号,县市区,诉求类别,提报时间,办理状态,企业评价\r\n")
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("X%03d", i)
		if i < len(ids) {
			id = ids[i]
		}
		status := "办理中"
		if s, ok := changed[i]; ok {
			status = s
		}
		fmt.Fprintf(&b, "\"潍坊华星机械有限公司,%d\",%s,奎文区,用地,2026-10-03 14:05,%s,\r\n", i, id, status)
	}
	return b.String()
}

// TestIngest_ChangedRowsOnly: a daily export in which few rows changed hashes its lines,
// finds the unchanged rows by ticket id and raw hash, and parses only the others, with
// their own row numbers. The ids it reads from the lines are the ids DuckDB's reader and
// zq_text give (otherwise unchanged rows would be parsed again, or repeated ids missed).
func TestIngest_ChangedRowsOnly(t *testing.T) {
	// Versions inserted over several ranges of rows, the changed rows read a little at a
	// time, the current versions read a few at a time.
	small := Options{sizes: sizes{insertRows: 7, lineWindow: 16, currentRows: 5}}
	dir := t.TempDir()
	const n = 40
	first := writeFile(t, dir, "tickets_2026-10-30.csv", []byte(digestLines(n, nil)+"\u3000,,\t,,,,\r\n"))
	s := MustOpenStore(t)
	rep := mustIngest(t, s, first, small)
	// The padded ids (D4…D8) go through SQL, the others are read in Go.
	fast := fastPathOn(t)
	if (fast && (rep.Staging != stagingDirect || rep.Direct != n-5)) || rep.Loaded != n || rep.Blank != 1 {
		t.Fatalf("first load: staging %s loaded %d (%d in Go) blank %d, want %s %d (%d) 1", rep.Staging, rep.Loaded, rep.Direct, rep.Blank, stagingDirect, n, n-5)
	}
	if got := queryStrings(t, s, "SELECT count(*) FROM ticket_versions"); got[0] != fmt.Sprint(n) {
		t.Fatalf("versions stored = %s, want %d", got[0], n)
	}
	got := strings.Join(queryStrings(t, s, "SELECT ticket_id FROM tickets WHERE ticket_id NOT LIKE 'X%' ORDER BY row_number"), "|")
	if want := `D1|D2,甲|D3 "乙"|D4|D5|D6|D7|D8`; got != want {
		t.Fatalf("ids = %s, want %s", got, want)
	}

	// Rows 2 (D2) and 36 changed; row 31 has an unreadable time; row 41 repeats D3.
	body := digestLines(n, map[int]string{1: "已办结", 35: "已办结"})
	body = strings.Replace(body, "X030,奎文区,用地,2026-10-03 14:05", "X030,奎文区,用地,不详", 1)
	body += "\"潍坊华星机械有限公司,99\",\"D3 \"\"乙\"\"\",奎文区,用地,2026-10-03 14:05,办理中,\r\n,,,,,,\r\n\u3000,\"\u00a0\",\t, ,,,\r\n"
	// The last line (file row 45) repeats X020 (file row 22, unchanged) to the byte: the
	// first stays unchanged, the second is rejected.
	body += "\"潍坊华星机械有限公司,20\",X020,奎文区,用地,2026-10-03 14:05,办理中,\r\n"
	later := writeFile(t, dir, "tickets_2026-10-31.csv", []byte(body))
	rep = mustIngest(t, s, later, small)
	if fast && rep.Staging != "arrow, changed rows only" {
		t.Errorf("staging = %s, want only the changed rows staged", rep.Staging)
	}
	if rep.Read != n+2 || rep.Unchanged != n-3 || rep.Versions != 2 || rep.Rejected != 3 || rep.Blank != 2 {
		t.Errorf("read %d unchanged %d versions %d rejected %d blank %d, want %d %d 2 3 2", rep.Read, rep.Unchanged, rep.Versions, rep.Rejected, rep.Blank, n+2, n-3)
	}
	if got := queryStrings(t, s, "SELECT count(*) FROM ticket_versions"); got[0] != fmt.Sprint(n+2) {
		t.Errorf("versions stored = %s, want %d", got[0], n+2)
	}
	if got, want := strings.Join(queryStrings(t, s, "SELECT row_number || ':' || code FROM rejects ORDER BY row_number"), " "), "32:bad_timestamp 42:duplicate_id 45:duplicate_id"; got != want {
		t.Errorf("rejects = %s, want %s", got, want)
	}
	if got, want := strings.Join(queryStrings(t, s, "SELECT ticket_id || ':' || row_number FROM tickets WHERE status = 'resolved' ORDER BY row_number"), " "), "D2,甲:3 X035:37"; got != want {
		t.Errorf("changed = %s, want %s", got, want)
	}
}

// TestIngest_ChangedRowsReadInGo: when every changed row is one the fast path reads,
// nothing is normalised in SQL, and the changed rows still become versions.
func TestIngest_ChangedRowsReadInGo(t *testing.T) {
	small := Options{sizes: sizes{currentRows: 7}} // the current versions are read a few at a time
	dir := t.TempDir()
	const n = 40
	s := MustOpenStore(t)
	mustIngest(t, s, writeFile(t, dir, "tickets_2026-10-30.csv", []byte(digestLines(n, nil))), small)
	rep := mustIngest(t, s, writeFile(t, dir, "tickets_2026-10-31.csv", []byte(digestLines(n, map[int]string{10: "已办结", 20: "已办结"}))), small)
	if (fastPathOn(t) && rep.Staging != "arrow, changed rows only") || rep.Read != n || rep.Unchanged != n-2 || rep.Versions != 2 || rep.Rejected != 0 {
		t.Errorf("staging %s read %d unchanged %d versions %d rejected %d, want changed rows only, %d %d 2 0", rep.Staging, rep.Read, rep.Unchanged, rep.Versions, rep.Rejected, n, n-2)
	}
	if got, want := strings.Join(queryStrings(t, s, "SELECT ticket_id || ':' || row_number FROM tickets WHERE status = 'resolved' ORDER BY row_number"), " "), "X010:12 X020:22"; got != want {
		t.Errorf("changed = %s, want %s", got, want)
	}
}

// TestIngest_ManyRowsChanged: when more than a quarter of the rows changed, and they are
// not new tickets, the whole file is staged and parsed in SQL. The rows found unchanged
// in Go must then be in rawTable and skipTable too: skipped once, counted once.
func TestIngest_ManyRowsChanged(t *testing.T) {
	dir := t.TempDir()
	const n = 40
	s := MustOpenStore(t)
	mustIngest(t, s, writeFile(t, dir, "tickets_2026-10-30.csv", []byte(digestLines(n, nil))), Options{})
	changed := map[int]string{}
	for i := 10; i < 30; i++ {
		changed[i] = "已办结"
	}
	// The last line repeats X035 (unchanged) to the byte: the first stays, the second is
	// rejected.
	body := digestLines(n, changed) + "\"潍坊华星机械有限公司,35\",X035,奎文区,用地,2026-10-03 14:05,办理中,\r\n"
	rep := mustIngest(t, s, writeFile(t, dir, "tickets_2026-10-31.csv", []byte(body)), Options{})
	if rep.Staging != "duckdb read_csv" {
		t.Errorf("staging = %s, want the whole file staged by DuckDB", rep.Staging)
	}
	if rep.Read != n+1 || rep.Unchanged != n-20 || rep.Versions != 20 || rep.Rejected != 1 {
		t.Errorf("read %d unchanged %d versions %d rejected %d, want %d %d 20 1", rep.Read, rep.Unchanged, rep.Versions, rep.Rejected, n+1, n-20)
	}
	if got := queryStrings(t, s, "SELECT count(*) || ' ' || count_if(status = 'resolved') FROM tickets"); got[0] != fmt.Sprint(n, " 20") {
		t.Errorf("current tickets, resolved = %s, want %d 20", got[0], n)
	}
	if got, want := strings.Join(queryStrings(t, s, "SELECT row_number || ':' || code FROM rejects ORDER BY row_number"), " "), "42:duplicate_id"; got != want {
		t.Errorf("rejects = %s, want %s", got, want)
	}
}

func TestCell(t *testing.T) {
	line := []byte(`a,"b,1","c ""2""",,"",f`)
	for i, want := range []string{"a", "b,1", `c "2"`, "", "", "f"} {
		if got, ok := cell(line, ',', i); string(got) != want || !ok {
			t.Errorf("cell %d = %q %v, want %q", i, got, ok, want)
		}
	}
	if got, ok := cell(line, ',', 6); ok {
		t.Errorf("cell 6 = %q, want none (beyond the line)", got)
	}
	for _, c := range []struct {
		line  string
		blank bool
	}{
		{",,,", true}, {" ,\t,\u3000,\u00a0", true}, {`"",""," "`, true}, {`"",""""`, false}, {",x,", false}, {`"","\u3000y"`, false},
	} {
		if got := blankLine([]byte(c.line), ',', fastpath.NewSet(zhuqi.Default().Cells.Space)); got != c.blank {
			t.Errorf("blankLine(%q) = %v, want %v", c.line, got, c.blank)
		}
	}
}

func TestRadixSort(t *testing.T) {
	for _, n := range []int{0, 1, 100, 5000, 70000} {
		v := make([]uint64, n)
		for i := range v {
			v[i] = rand.Uint64() >> (i % 3 * 20) // high, middle and low bits vary
		}
		want := slices.Clone(v)
		slices.Sort(want)
		radixSort(v)
		if !slices.Equal(v, want) {
			t.Fatalf("n=%d: not sorted", n)
		}
	}
	rep := repeatedHashes([]uint64{1, 3, 3, 7, 9, 9}, []uint64{2, 7, 8}, []uint64{8})
	if len(rep) != 4 || !rep[3] || !rep[7] || !rep[8] || !rep[9] {
		t.Errorf("repeatedHashes = %v, want 3, 7, 8 and 9", rep)
	}
}

// TestLineDigest_Repeated: the ids more than one row has, from the rows matched in the
// current versions (a version matched twice by one reader, or by both) and those not
// (their ids among themselves, and against the matched versions' ids).
func TestLineDigest_Repeated(t *testing.T) {
	cur := newHashSet([]uint64{10, 20, 30, 40, 50, 60}, []uint64{101, 102, 103, 104, 105, 0})
	bitmap := func(entries ...int) []uint64 {
		b := make([]uint64, 1)
		for _, j := range entries {
			b[0] |= 1 << j
		}
		return b
	}
	d := lineDigest{
		ids:   [][]uint64{{0, 7, 105}, {7, 9, 104}}, // 105's version was not matched
		seen:  [][]uint64{bitmap(0, 1, 2, 5), bitmap(2, 3)},
		twice: []int{1},
	}
	got := slices.Sorted(maps.Keys(d.repeated(cur)))
	if want := []uint64{0, 7, 102, 103, 104}; !slices.Equal(got, want) {
		t.Errorf("repeated = %v, want %v", got, want)
	}
	// Lines not matched (a first load): the runs alone.
	d = lineDigest{ids: [][]uint64{{1, 5, 5}, {1, 2}}}
	if got := slices.Sorted(maps.Keys(d.repeated(nil))); !slices.Equal(got, []uint64{1, 5}) {
		t.Errorf("repeated without current versions = %v, want [1 5]", got)
	}
	for _, n := range []int{0, 1, 1000} {
		ids := make([]uint64, n)
		for i := range ids {
			ids[i] = rand.Uint64()
		}
		set := newIDSet([][]uint64{ids, {0}})
		for _, id := range ids {
			if !set.has(id) {
				t.Fatalf("idSet of %d lacks %d", n, id)
			}
		}
		if !set.has(0) || set.has(12345) || set.len() != n+1 {
			t.Errorf("idSet of %d: has(0) %v, has(12345) %v, len %d", n, set.has(0), set.has(12345), set.len())
		}
	}
}

// TestIngest_LazyUTF8: a later ticket CSV is checked for UTF-8 in its first MiB by the
// scan and in the lines the digest reads; a daily export's unchanged lines were read
// before. Whatever the digest does not read, or a line that is not UTF-8 after all, makes
// the file scanned again in full: GBK bytes past the first MiB are read as GB18030, and a
// file with a title row above the header as UTF-8. A first load is checked in full.
func TestIngest_LazyUTF8(t *testing.T) {
	dir := t.TempDir()
	file := func(name, title, late string) (string, int) {
		var b bytes.Buffer
		b.WriteString(title)
		b.WriteString("ticket_id,enterprise,region,category,created_at,status\r\n")
		n := 0
		for ; b.Len() < lazyUTF8+1000; n++ {
			fmt.Fprintf(&b, "L%06d,Acme %d,Kuiwen,land,2026-10-03 14:05,resolved\r\n", n, n)
		}
		if late != "" {
			fmt.Fprintf(&b, "L%06d,%s,Kuiwen,land,2026-10-03 14:05,resolved\r\n", n, gbk(t, []byte(late)))
			n++
		}
		return writeFile(t, dir, name, b.Bytes()), n
	}
	// Without the fast path there is no lazy check, nor a second scan.
	rescan := 1
	if fastPathOn(t) {
		rescan = 2
	}
	s := MustOpenStore(t)
	first, n := file("tickets_2026-10-30.csv", "", "潍坊华星")
	rep := mustIngest(t, s, first, Options{})
	if rep.Encoding != "gb18030" || rep.Loaded != int64(n) || steps(rep, "scan") != 1 {
		t.Errorf("first load: encoding %s loaded %d scans %d, want gb18030 %d 1", rep.Encoding, rep.Loaded, steps(rep, "scan"), n)
	}
	later, _ := file("tickets_2026-10-31.csv", "", "潍坊华星机械")
	rep = mustIngest(t, s, later, Options{})
	if rep.Encoding != "gb18030" || rep.Unchanged != int64(n-1) || rep.Versions != 1 || steps(rep, "scan") != rescan {
		t.Errorf("next day: encoding %s unchanged %d versions %d scans %d, want gb18030 %d 1 %d", rep.Encoding, rep.Unchanged, rep.Versions, steps(rep, "scan"), n-1, rescan)
	}
	if got := queryStrings(t, s, "SELECT enterprise FROM tickets WHERE ticket_id = ?", fmt.Sprintf("L%06d", n-1)); len(got) != 1 || got[0] != "潍坊华星机械" {
		t.Errorf("the GBK row reads %q, want 潍坊华星机械", got)
	}
	// All UTF-8: the digest vouches for the lines it reads, no second scan.
	third, _ := file("tickets_2026-11-01.csv", "", "")
	if rep = mustIngest(t, s, third, Options{}); rep.Encoding != "utf-8" || steps(rep, "scan") != 1 {
		t.Errorf("UTF-8 export: encoding %s scans %d, want utf-8 1", rep.Encoding, steps(rep, "scan"))
	}
	titled, n := file("tickets_2026-11-02.csv", "潍坊市助企诉求台账\r\n", "")
	rep = mustIngest(t, s, titled, Options{})
	if rep.Encoding != "utf-8" || rep.Loaded != int64(n) || steps(rep, "scan") != rescan {
		t.Errorf("title row: encoding %s loaded %d scans %d, want utf-8 %d %d", rep.Encoding, rep.Loaded, steps(rep, "scan"), n, rescan)
	}
}

// TestHashSet: lookups in table order move the cursor one by one, others probe and move
// it; a raw hash stored for another ticket id is not a match (the row goes to SQL).
func TestHashSet(t *testing.T) {
	hashes := []uint64{11, 0, 33, 44, 55, 11}
	ids := []uint64{1, 2, 3, 4, 5, 6}
	s := newHashSet(hashes, ids)
	at := 0
	for k, c := range []struct {
		h    uint64
		id   uint64
		want bool
		at   int
	}{
		{11, 1, true, 1}, {0, 2, true, 2}, {33, 3, true, 3}, // in order
		{55, 5, true, 5},  // probed: the cursor follows
		{44, 9, false, 5}, // another ticket's hash
		{44, 4, true, 4},
		{11, 6, false, 4}, // the first entry of a repeated hash keeps it
		{77, 7, false, 4},
	} {
		if got := s.has(c.h, c.id, &at); got != c.want || at != c.at {
			t.Errorf("lookup %d: has(%d, %d) = %v, cursor %d; want %v, %d", k, c.h, c.id, got, at, c.want, c.at)
		}
	}
	if newHashSet(nil, nil).has(11, 1, &at) {
		t.Error("the empty set has 11")
	}
}

// TestIDHash_DuckDB: idHash of a ticket id is DuckDB's hash() of it, at every length
// (DuckDB hashes eight bytes at a time, and keeps strings of up to 12 bytes inline), in
// ASCII and in Chinese. A DuckDB whose hash differs fails here: with different hashes, no
// row of a daily export would be found unchanged in Go.
func TestIDHash_DuckDB(t *testing.T) {
	s := MustOpenStore(t)
	stmt, err := s.DB.Prepare("SELECT hash(?::VARCHAR)")
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	r := rand.New(rand.NewPCG(1, 2))
	runes := []rune("0123456789ABCDEFGHJKXYZ-_ 潍坊奎文区诉求编号\u3000\u00a0")
	ids := []string{"", "D1", "ZQ2026-0001234", "WF-奎文-20261003-0042"}
	for n := 0; n <= 40; n++ {
		for range 4 {
			var b strings.Builder
			for b.Len() < n {
				b.WriteRune(runes[r.IntN(len(runes))])
			}
			ids = append(ids, b.String())
		}
	}
	for _, id := range ids {
		var want uint64
		if err := stmt.QueryRow(id).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := idHash([]byte(id)); got != want {
			t.Errorf("idHash(%q) = %#x; DuckDB's hash() = %#x", id, got, want)
		}
	}
}

// TestIngest_CancelledWhileReadingAhead: a later snapshot cancelled during its scan, while
// the current versions are read on a connection of their own, ends with the context's
// error, waits for that read, and leaves the database as it was.
func TestIngest_CancelledWhileReadingAhead(t *testing.T) {
	dir := t.TempDir()
	s := MustOpenStore(t)
	rows := streamRows(3000)
	mustIngest(t, s, writeFile(t, dir, "tickets_2026-10-30.csv", csvBytes(t, snapHeader, rows)), Options{})
	rows[7][6] = "已办结"
	later := writeFile(t, dir, "tickets_2026-10-31.csv", csvBytes(t, snapHeader, rows))
	before := fingerprint(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := s.Ingest(ctx, zhuqi.Default(), later, Options{Progress: func(p Progress) {
		if p.Step == "scan" {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := fingerprint(t, s); got != before {
		t.Errorf("database changed:\n%s\n%s", before, got)
	}
	if rep := mustIngest(t, s, later, Options{}); rep.Versions != 1 || rep.Unchanged != 2999 {
		t.Errorf("ingested again: %d versions, %d unchanged; want 1 and 2999", rep.Versions, rep.Unchanged)
	}
}

// TestLinesSource_Windows: lines asked for far apart are read a line's worth at a time,
// near ones a window at a time; either way each comes back whole, a line longer than
// the window (or than twice the one before) too, and the last one without a line end.
func TestLinesSource_Windows(t *testing.T) {
	var b strings.Builder
	var offs []int64
	var want []string
	for i := range 60 {
		line := fmt.Sprintf("L%d,%s", i, strings.Repeat("甲", 3+i%5))
		switch {
		case i == 20:
			line += strings.Repeat("长", 3000) // beyond 2× the line before, and the window
		case i == 41:
			line += strings.Repeat("x", 9000)
		}
		if i%10 == 0 || i%10 == 1 || i == 59 {
			offs, want = append(offs, int64(b.Len())), append(want, line)
		}
		b.WriteString(line)
		if i < 59 {
			b.WriteString("\r\n")
		}
		if i%10 == 5 {
			b.WriteString(strings.Repeat(",", 10000) + "\n") // lines asked for are far apart
		}
	}
	path := writeFile(t, t.TempDir(), "lines.csv", []byte(b.String()))
	ls, err := openCSVLines(path, nil, ',', "utf-8", 0, defaultSizes.lineWindow)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	for i, off := range offs {
		got, err := ls.line(off)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want[i] {
			t.Errorf("line at %d: %.40q (%d bytes), want %.40q (%d bytes)", off, got, len(got), want[i], len(want[i]))
		}
	}
	if ls.read >= int64(b.Len()) {
		t.Errorf("read %d bytes of %d: the lines far apart were read a window each", ls.read, b.Len())
	}
}
