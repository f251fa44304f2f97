package pipeline

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
)

// Bounds on what the members of a workbook may unpack to, checked on the zip's directory
// before anything is unpacked. The declared sizes bind: Go's zip reader fails a member
// that inflates beyond its declared size. A real export's sheet XML packs 5 to 30 times;
// blank padding packs a thousand times.
const (
	// xlsxRatioFloor: a member smaller than this unpacked may have any ratio.
	xlsxRatioFloor = 32 << 20
	// xlsxMaxRatio is the largest expansion ratio of a larger member.
	xlsxMaxRatio = 200
)

// checkWorkbook refuses a workbook that would unpack beyond limit in all, or one of whose
// members would expand more than any export's does, reading only its zip directory.
func checkWorkbook(r io.ReaderAt, size, limit int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("%w: not a readable Excel workbook (%v): open it in Excel or WPS and save it again as .xlsx", ErrFileUnreadable, err)
	}
	var total uint64
	for _, f := range zr.File {
		u, c := f.UncompressedSize64, f.CompressedSize64
		total += u
		if u > xlsxRatioFloor && (c == 0 || u/c > xlsxMaxRatio) {
			return fmt.Errorf("%w: %s in the workbook unpacks to %d MiB from %d KiB (%d times; an export packs at most about 30 times): a zip bomb, or not an export: refused before unpacking",
				ErrFileUnreadable, f.Name, u>>20, c>>10, u/max(c, 1))
		}
		if total > uint64(limit) {
			return fmt.Errorf("%w: the workbook unpacks to more than %d bytes (xlsx_unzip_limit; a zip bomb, or far larger than any export): refused before unpacking", ErrFileUnreadable, limit)
		}
	}
	return nil
}

// ingestTemp makes a folder for one ingest's temporary files, and the function that
// removes it (on every way out of the ingest; what a killed process leaves, clearTemp
// removes at the next store.Open).
func (s *target) ingestTemp() (string, func(), error) {
	root := s.TempRoot()
	if root != "" {
		if err := os.MkdirAll(root, 0o700); err != nil {
			return "", nil, fmt.Errorf("temporary folder: %w", err)
		}
	}
	dir, err := os.MkdirTemp(root, "ingest-")
	if err != nil {
		return "", nil, fmt.Errorf("temporary folder: %w", err)
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// verifyWorkbook reads every member of the workbook at path to its end, as its declared
// size and checksum bound it: excelize reads a damaged member (one whose data runs past
// its declared size, say) as empty, which would show as a sheet without a header.
func verifyWorkbook(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("%w: not a readable Excel workbook (%v): open it in Excel or WPS and save it again as .xlsx", ErrFileUnreadable, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err == nil {
			_, err = io.Copy(io.Discard, rc)
			rc.Close()
		}
		if err != nil {
			return fmt.Errorf("%w: the workbook is damaged: %s does not unpack to what its zip directory says (%v): open it in Excel or WPS and save it again as .xlsx", ErrFileUnreadable, f.Name, err)
		}
	}
	return nil
}
