package fastpath

// parseTime reads a date as YYYY-M-D or YYYY/M/D (month and day of one or two digits),
// alone or followed by a space and H:MM or H:MM:SS (hour of one or two digits), with every
// field in range: forms that DuckDB's cast to TIMESTAMP and the configured strptime forms
// read alike (TestDirect_SameAsSQL). It returns microseconds since 1970.
func parseTime(t []byte) (int64, bool) {
	// digits reads 1 to max digits at t[*i:].
	digits := func(i *int, max int) (int64, bool) {
		var n int64
		k := 0
		for *i < len(t) && k < max && t[*i] >= '0' && t[*i] <= '9' {
			n = n*10 + int64(t[*i]-'0')
			*i++
			k++
		}
		return n, k > 0
	}
	i := 0
	y, ok := digits(&i, 4)
	if !ok || i != 4 || i >= len(t) || t[i] != '-' && t[i] != '/' {
		return 0, false
	}
	sep := t[i]
	i++
	mo, ok := digits(&i, 2)
	if !ok || i >= len(t) || t[i] != sep {
		return 0, false
	}
	i++
	d, ok := digits(&i, 2)
	if !ok || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
		return 0, false
	}
	var h, mi, sec int64
	if i < len(t) {
		if t[i] != ' ' {
			return 0, false
		}
		i++
		if h, ok = digits(&i, 2); !ok || i >= len(t) || t[i] != ':' {
			return 0, false
		}
		i++
		if mi, ok = digits(&i, 2); !ok || i != len(t) && t[i] != ':' || t[i-2] == ':' {
			return 0, false // minutes have two digits
		}
		if i < len(t) {
			i++
			if sec, ok = digits(&i, 2); !ok || t[i-2] == ':' {
				return 0, false // and so have seconds
			}
		}
		if i != len(t) || h > 23 || mi > 59 || sec > 59 {
			return 0, false
		}
	}
	return (daysFromCivil(y, mo, d)*86400 + h*3600 + mi*60 + sec) * 1000000, true
}

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to y-m-d (proleptic Gregorian).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400 // rounded down, not toward zero
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
