package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zhuqi/zhuqi"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// withBadByte returns a UTF-8 CSV of rows under header whose row rowIdx (0-based data
// row) has one byte of its enterprise name broken, and the byte offset where that row starts.
func withBadByte(t *testing.T, header []string, rows [][]string, rowIdx int) ([]byte, int64) {
	t.Helper()
	b := csvBytes(t, header, rows)
	before := csvBytes(t, header, rows[:rowIdx])
	name := []byte(rows[rowIdx][1])
	i := bytes.Index(b[len(before):], name)
	if i < 0 {
		t.Fatal("name not found")
	}
	at := len(before) + i + 1 // the second byte of the first character
	b[at] = 0x28              // "(": the character's lead byte now stands alone
	return b, int64(len(before))
}

// TestIngest_EncodingOnEvidence: a UTF-8 file with a stray invalid byte stays UTF-8 and
// rejects only the row that holds it, saying where and what (DOMAIN §1.3); a declared
// encoding that the bytes contradict fails with the first offending line and offset.
func TestIngest_EncodingOnEvidence(t *testing.T) {
	english := []string{"ticket_id", "enterprise", "credit_code", "region", "category", "created_at", "responded_at", "resolved_at", "status", "outcome", "satisfaction", "on_site", "amount", "note"}
	good := [][]string{messyRows[0], messyRows[1], messyRows[6], messyRows[7]}
	for _, tc := range []struct {
		name   string
		header []string
	}{{"ChineseHeader", messyHeader}, {"EnglishHeader", english}} {
		t.Run(tc.name, func(t *testing.T) {
			s := MustOpenStore(t)
			data, start := withBadByte(t, tc.header, good, 1)
			p := writeFile(t, t.TempDir(), "bad_2026-10-31.csv", data)
			rep := mustIngest(t, s, p, Options{})
			if rep.Encoding != "utf-8" || rep.Loaded != 3 || rep.Rejected != 1 {
				t.Fatalf("encoding %s loaded %d rejected %d, want utf-8, 3, 1", rep.Encoding, rep.Loaded, rep.Rejected)
			}
			got := queryStrings(t, s, "SELECT row_number || '|' || code || '|' || reason FROM rejects")
			want := []string{"3|bad_encoding|", fmt.Sprintf("byte %d", start), "字节 E6：", "bytes E6 that"}
			if len(got) != 1 {
				t.Fatalf("rejects = %v", got)
			}
			for _, w := range want {
				if !strings.Contains(got[0], w) {
					t.Errorf("reject %q does not say %q", got[0], w)
				}
			}
			if names := queryStrings(t, s, "SELECT enterprise FROM ticket_versions ORDER BY ticket_id"); names[0] != messyRows[0][1] {
				t.Errorf("enterprise = %v, want the UTF-8 names", names)
			}
			if raw := queryStrings(t, s, "SELECT raw::VARCHAR FROM rejects"); !strings.Contains(raw[0], `\xE6(`) {
				t.Errorf("raw row %v does not keep the bad bytes", raw)
			}
		})
	}

	t.Run("LaterFileLargerThanLazyCheck", func(t *testing.T) {
		s := MustOpenStore(t)
		mustIngest(t, s, writeFile(t, t.TempDir(), "a_2026-10-30.csv", csvBytes(t, messyHeader, good)), Options{})
		var rows [][]string
		for i := 0; i < 12000; i++ {
			r := append([]string(nil), messyRows[0]...)
			r[0] = fmt.Sprintf("B%05d", i)
			rows = append(rows, r)
		}
		data, _ := withBadByte(t, messyHeader, rows, len(rows)-2)
		if len(data) <= lazyUTF8 {
			t.Fatalf("file of %d bytes is checked whole", len(data))
		}
		rep := mustIngest(t, s, writeFile(t, t.TempDir(), "b_2026-10-31.csv", data), Options{})
		if rep.Encoding != "utf-8" || rep.Loaded != int64(len(rows)-1) || rep.Rejected != 1 {
			t.Errorf("encoding %s loaded %d rejected %d", rep.Encoding, rep.Loaded, rep.Rejected)
		}
	})

	t.Run("Err_DeclaredUTF8", func(t *testing.T) {
		s := MustOpenStore(t)
		data, start := withBadByte(t, messyHeader, good, 1)
		p := writeFile(t, t.TempDir(), "d.csv", data)
		_, err := s.Ingest(context.Background(), zhuqi.Default(), p, Options{Encoding: "utf-8"})
		if !errors.Is(err, ErrFileUnreadable) || !strings.Contains(err.Error(), fmt.Sprintf("line 3 (byte %d) holds E6,", start+int64(len(messyRows[1][0])+1))) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("Err_DeclaredGBKButUTF8", func(t *testing.T) {
		s := MustOpenStore(t)
		p := writeFile(t, t.TempDir(), "g.csv", csvBytes(t, messyHeader, good))
		_, err := s.Ingest(context.Background(), zhuqi.Default(), p, Options{Encoding: "gbk"})
		if !errors.Is(err, ErrFileUnreadable) || !strings.Contains(err.Error(), "line 1 (byte ") && !strings.Contains(err.Error(), "valid UTF-8 throughout") {
			t.Errorf("err = %v", err)
		}
		t.Log(err)
	})
	t.Run("GBKButOneByte", func(t *testing.T) {
		s := MustOpenStore(t)
		data := gbk(t, csvBytes(t, messyHeader, good))
		name := gbk(t, []byte(good[1][1]))
		i := bytes.Index(data, name)
		data[i] = 0xFF // the lead byte of the row's enterprise name
		p := writeFile(t, t.TempDir(), "k1_2026-10-31.csv", data)
		rep := mustIngest(t, s, p, Options{})
		if rep.Encoding != "gb18030" || rep.Loaded != 3 || rep.Rejected != 1 {
			t.Errorf("encoding %s loaded %d rejected %d, want gb18030, 3, 1", rep.Encoding, rep.Loaded, rep.Rejected)
		}
		if got := queryStrings(t, s, "SELECT row_number || '|' || code FROM rejects"); len(got) != 1 || got[0] != "3|bad_encoding" {
			t.Errorf("rejects = %v", got)
		}
	})
	t.Run("GBKThroughout", func(t *testing.T) {
		s := MustOpenStore(t)
		p := writeFile(t, t.TempDir(), "k_2026-10-31.csv", gbk(t, csvBytes(t, messyHeader, good)))
		rep := mustIngest(t, s, p, Options{})
		if rep.Encoding != "gb18030" || rep.Loaded != 4 {
			t.Errorf("encoding %s loaded %d", rep.Encoding, rep.Loaded)
		}
	})
}

func TestWeigh(t *testing.T) {
	ev, err := weigh(context.Background(), bytes.NewReader(append([]byte("a,b\n中文,"), 0xE6, '\n')))
	if err != nil {
		t.Fatal(err)
	}
	if ev.GoodUTF8 != 2 || ev.BadUTF8 != 1 || ev.UTF8Line != 2 || ev.UTF8At != 11 {
		t.Errorf("evidence = %+v", ev)
	}
}

// TestWeigh_ChunkBoundaries: the evidence is the same whatever falls on the edge of the
// reading buffer: each byte is counted once. A unit ends with a line feed, which leaves
// both machines in their first state, so n units weigh n times one.
func TestWeigh_ChunkBoundaries(t *testing.T) {
	unit := gbk(t, []byte("潍坊华星机械,"))  // two-byte GBK characters and a comma
	unit = append(unit, 0x81, '3')     // a cut GB18030 four-byte form
	unit = append(unit, "\u00e9\n"...) // a UTF-8 character
	one, err := weigh(context.Background(), bytes.NewReader(unit))
	if err != nil {
		t.Fatal(err)
	}
	n := int64((3 << 20) / len(unit))
	for pad := 0; pad < len(unit); pad++ {
		data := append(bytes.Repeat([]byte("a"), pad), bytes.Repeat(unit, int(n))...)
		ev, err := weigh(context.Background(), bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if ev.GoodUTF8 != n*one.GoodUTF8 || ev.BadUTF8 != n*one.BadUTF8 || ev.BadGB != n*one.BadGB {
			t.Errorf("pad %d: good %d bad %d bad GB %d, want %d × (%d, %d, %d)", pad, ev.GoodUTF8, ev.BadUTF8, ev.BadGB, n, one.GoodUTF8, one.BadUTF8, one.BadGB)
		}
	}
}

// TestUTF8Pass_AsDecodeRune: the UTF-8 pass counts whole and broken characters exactly as
// utf8.DecodeRune reads them, on random mixtures of ASCII, UTF-8, GB18030 and stray bytes.
func TestUTF8Pass_AsDecodeRune(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	gb, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("潍坊华星机械有限公司"))
	pieces := [][]byte{[]byte("abc,12\n"), []byte("中文，全角"), gb, {0xED, 0xA0, 0x80}, {0xF4, 0x90}, {0xC0, 0xAF}, {0xE0, 0x80}, {0xF0, 0x9F, 0x98, 0x80}, {0xFF}, {0xC2}}
	for k := 0; k < 2000; k++ {
		var b []byte
		for n := rng.IntN(12); n >= 0; n-- {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		want := evidence{UTF8At: -1}
		line := int64(1)
		for i := 0; i < len(b); {
			r, size := utf8.DecodeRune(b[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				if want.UTF8At < 0 {
					want.UTF8At, want.UTF8Line = int64(i), line
				}
				want.BadUTF8++
			case size > 1:
				want.GoodUTF8++
			case b[i] == '\n':
				line++
			}
			i += size
		}
		got := evidence{UTF8At: -1}
		if end := got.utf8Pass(b, 0, 1, true); end != len(b) {
			t.Fatalf("%x: stopped at %d of %d", b, end, len(b))
		}
		if got.GoodUTF8 != want.GoodUTF8 || got.BadUTF8 != want.BadUTF8 || got.UTF8At != want.UTF8At || got.UTF8Line != want.UTF8Line {
			t.Fatalf("%x: good %d bad %d at %d line %d; DecodeRune: %d %d at %d line %d", b,
				got.GoodUTF8, got.BadUTF8, got.UTF8At, got.UTF8Line, want.GoodUTF8, want.BadUTF8, want.UTF8At, want.UTF8Line)
		}
	}
}
