package pipeline

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// hashSet is a set of the current versions' raw hashes, each with the hash of its ticket
// id (idHash), in an order (the table's, which is mostly the order of the export the
// versions came from), looked up in that order. A lookup first tries the entry after
// the one found last (a cursor, one for each reader), so that a daily export, which lists
// its tickets in the same order every day, reads the set from start to end; else it
// probes a table (open addressing), which then moves the cursor. (Random probes alone
// cost twice as much, each a cache miss.) It is safe for concurrent lookups.
type hashSet struct {
	order []uint64
	ids   []uint64
	slots []int32 // index in order + 1; 0 marks an empty slot
}

// newHashSet makes the set of hashes and their ids' hashes, in their order.
func newHashSet(hashes, ids []uint64) *hashSet {
	s := &hashSet{order: hashes, ids: ids, slots: make([]int32, 1<<bits.Len(uint(len(hashes)+len(hashes)/2)|15))}
	mask := uint64(len(s.slots) - 1)
	for k, h := range hashes {
		for i := mix(h) & mask; ; i = (i + 1) & mask {
			if j := s.slots[i]; j == 0 {
				s.slots[i] = int32(k + 1)
				break
			} else if hashes[j-1] == h {
				break // the first keeps it: a lookup for another id goes to SQL
			}
		}
	}
	return s
}

// has reports whether raw hash h with id hash id is in the set, looking first at cursor
// *at, which it moves.
func (s *hashSet) has(h, id uint64, at *int) bool {
	if *at < len(s.order) && s.order[*at] == h && s.ids[*at] == id {
		*at++
		return true
	}
	if len(s.order) == 0 {
		return false
	}
	mask := uint64(len(s.slots) - 1)
	for i := mix(h) & mask; ; i = (i + 1) & mask {
		j := s.slots[i]
		if j == 0 {
			return false
		}
		if s.order[j-1] == h {
			if s.ids[j-1] != id {
				return false
			}
			*at = int(j)
			return true
		}
	}
}

func (s *hashSet) len() int {
	if s == nil {
		return 0
	}
	return len(s.order)
}

// idSet is a set of id hashes, for lookups that mostly miss.
type idSet struct {
	slots []uint64 // 0 marks an empty slot
	zero  bool     // 0 is in the set
	n     int
}

// newIDSet makes the set of the hashes in runs.
func newIDSet(runs [][]uint64) *idSet {
	n := 0
	for _, r := range runs {
		n += len(r)
	}
	s := &idSet{slots: make([]uint64, 1<<bits.Len(uint(2*n)|15))}
	mask := uint64(len(s.slots) - 1)
	for _, r := range runs {
		for _, h := range r {
			if h == 0 {
				s.zero = true
				continue
			}
			for i := mix(h) & mask; ; i = (i + 1) & mask {
				if s.slots[i] == h {
					break
				}
				if s.slots[i] == 0 {
					s.slots[i] = h
					s.n++
					break
				}
			}
		}
	}
	if s.zero {
		s.n++
	}
	return s
}

func (s *idSet) len() int { return s.n }

func (s *idSet) has(h uint64) bool {
	if h == 0 {
		return s.zero
	}
	mask := uint64(len(s.slots) - 1)
	for i := mix(h) & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

// mix spreads the bits of a hash whose low bits alone may not be (a pair of CRC-32s).
func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	return h ^ h>>33
}

// idHash hashes a ticket id as read from a line, for finding ids a file repeats and the
// current version of each. It is DuckDB's hash() of the id as VARCHAR, so that the
// current versions' ids are hashed by DuckDB where they are stored (currentHashes):
// handing a million ids over to Go cost four times as much as their hashes
// (TestIDHash_DuckDB holds the two to the same values).
func idHash(id []byte) uint64 {
	const m = 0xd6e8feb86659fd93
	h := uint64(0xe17a1465) ^ uint64(len(id))*0xc6a4a7935bd1e995
	for ; len(id) >= 8; id = id[8:] {
		h ^= binary.LittleEndian.Uint64(id)
		h *= m
	}
	if len(id) > 0 {
		var tail [8]byte
		copy(tail[:], id)
		h ^= binary.LittleEndian.Uint64(tail[:])
		h *= m
	}
	// DuckDB's MurmurHash64 finaliser.
	h ^= h >> 32
	h *= m
	h ^= h >> 32
	h *= m
	return h ^ h>>32
}

// repeatedHashes returns the values that sorted runs of hashes hold more than once in
// all.
func repeatedHashes(runs ...[]uint64) map[uint64]bool {
	var rep map[uint64]bool
	add := func(h uint64) {
		if rep == nil {
			rep = map[uint64]bool{}
		}
		rep[h] = true
	}
	for x, a := range runs {
		for i := 1; i < len(a); i++ {
			if a[i] == a[i-1] {
				add(a[i])
			}
		}
		for _, b := range runs[x+1:] {
			for i, j := 0, 0; i < len(a) && j < len(b); {
				switch {
				case a[i] < b[j]:
					i++
				case a[i] > b[j]:
					j++
				default:
					add(a[i])
					i++
					j++
				}
			}
		}
	}
	return rep
}

// radixSort sorts v, 16 bits a pass (four times as fast as slices.Sort on a million
// hashes).
func radixSort(v []uint64) {
	if len(v) < 1<<12 {
		slices.Sort(v)
		return
	}
	tmp := make([]uint64, len(v))
	var count [1 << 16]int
	for shift := 0; shift < 64; shift += 16 {
		clear(count[:])
		for _, x := range v {
			count[x>>shift&0xffff]++
		}
		sum := 0
		for i, c := range count {
			count[i], sum = sum, sum+c
		}
		for _, x := range v {
			k := x >> shift & 0xffff
			tmp[count[k]] = x
			count[k]++
		}
		v, tmp = tmp, v
	}
}
