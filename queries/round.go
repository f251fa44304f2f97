package queries

import "math"

// round2 rounds half away from zero to 2 decimals, as the published tables do.
func round2(f float64) float64 { return math.Round(f*100) / 100 }

func round2p(f *float64) *float64 {
	if f == nil {
		return nil
	}
	r := round2(*f)
	return &r
}

// round4p rounds amounts (万元) to 4 decimals, the precision they are stored with, so
// sums of decimals print without binary noise.
func round4p(f *float64) *float64 {
	if f == nil {
		return nil
	}
	r := math.Round(*f*1e4) / 1e4
	return &r
}

// round6p rounds a rate to the 6 decimals it is published with.
func round6p(f *float64) *float64 {
	if f == nil {
		return nil
	}
	r := math.Round(*f*1e6) / 1e6
	return &r
}
