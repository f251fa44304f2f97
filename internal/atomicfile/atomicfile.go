// Package atomicfile writes files so that a reader never sees half of one.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteFile writes data to a temporary file beside path and renames it into place.
func WriteFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// CreateTemp makes the file private; outputs are for everyone who may read the folder.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// File is one file of a set: its name relative to the set's folder, and its bytes.
type File struct {
	Name string
	Data []byte
}

// WriteSet writes files under dir so that they appear together or not at all: all are
// written to a temporary folder inside dir first (where a full disk or any other write
// error stops it, leaving dir as it was), then renamed into place, which needs no space.
// It returns the paths written.
func WriteSet(dir string, files []File) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(dir, ".zhuqi-out-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	for _, f := range files {
		p := filepath.Join(tmp, f.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := writeSynced(p, f.Data); err != nil {
			return nil, err
		}
	}
	// Every destination is checked before the first rename, so that a folder in the way
	// stops the set, not half of it.
	for _, f := range files {
		final := filepath.Join(dir, f.Name)
		if st, err := os.Stat(final); err == nil && st.IsDir() {
			return nil, fmt.Errorf("%s is a folder: move it away to write the file there", final)
		}
		for d := filepath.Dir(final); d != dir && len(d) > len(dir); d = filepath.Dir(d) {
			if st, err := os.Stat(d); err == nil && !st.IsDir() {
				return nil, fmt.Errorf("%s is a file, not a folder: move it away to write %s", d, f.Name)
			}
		}
	}
	paths := make([]string, 0, len(files))
	for _, f := range files {
		final := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			return paths, err
		}
		if err := os.Rename(filepath.Join(tmp, f.Name), final); err != nil {
			return paths, err
		}
		paths = append(paths, final)
	}
	return paths, nil
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
