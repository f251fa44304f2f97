package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/zhuqi/zhuqi"
	"github.com/zhuqi/zhuqi/pipeline"
	"github.com/zhuqi/zhuqi/queries"
	"github.com/zhuqi/zhuqi/store"
)

// Inbox is the folder exports are dropped into. A file's kind comes from its subfolder
// (inbox/targets/…), else from its name's prefix (targets_2026.xlsx), else it holds
// tickets. Done files move to archive/<date>/, unreadable ones to failed/<date>/ with a
// .reason file beside them; nothing is deleted.
type Inbox struct {
	Dir string
	// Settle is how long a file's size and modification time must stay the same.
	Settle time.Duration
	Now    func() time.Time
	Sleep  func(context.Context, time.Duration) error
	Log    *slog.Logger
	// Writing reports which of the paths some process has open for writing.
	Writing func(paths []string) map[string]bool
}

// InboxFile is a file waiting in the inbox.
type InboxFile struct {
	Path    string
	Kind    zhuqi.Kind
	Size    int64
	ModTime time.Time
}

// kindOf is the kind of a file in the inbox: its subfolder, else its name's prefix, else
// empty: the ingest recognises the kind by the file's header.
func kindOf(sub, name string) zhuqi.Kind {
	if k, err := zhuqi.ParseKind(sub); err == nil && sub != "" {
		return k
	}
	lower := strings.ToLower(name)
	for _, k := range zhuqi.Kinds {
		if p := string(k); strings.HasPrefix(lower, p) && len(lower) > len(p) && strings.ContainsRune("_-. ", rune(lower[len(p)])) {
			return k
		}
	}
	return ""
}

// skipName tells files that are not exports: hidden and temporary files, partial
// downloads, Office lock files and the .reason notes.
func skipName(name string) bool {
	lower := strings.ToLower(name)
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") {
		return true
	}
	for _, ext := range []string{".reason", ".tmp", ".part", ".partial", ".crdownload", ".download", ".swp"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// scan lists the files in the inbox and its kind subfolders, by path.
func (in *Inbox) scan() ([]InboxFile, error) {
	out, err := in.list(in.Dir, "")
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (in *Inbox) list(dir, sub string) ([]InboxFile, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("inbox: %w", err)
	}
	var out []InboxFile
	for _, e := range ents {
		if e.IsDir() {
			if _, err := zhuqi.ParseKind(e.Name()); err == nil && sub == "" {
				fs, err := in.list(filepath.Join(dir, e.Name()), e.Name())
				if err != nil {
					return nil, err
				}
				out = append(out, fs...)
			}
			continue
		}
		if !e.Type().IsRegular() || skipName(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // gone since the listing
		}
		out = append(out, InboxFile{Path: filepath.Join(dir, e.Name()), Kind: kindOf(sub, e.Name()), Size: info.Size(), ModTime: info.ModTime()})
	}
	return out, nil
}

// Ready lists the files that are complete: seen twice, Settle apart, with the same size
// and modification time, and open for writing by no process.
func (in *Inbox) Ready(ctx context.Context) ([]InboxFile, error) {
	first, err := in.scan()
	if err != nil || len(first) == 0 {
		return nil, err
	}
	if err := in.Sleep(ctx, in.Settle); err != nil {
		return nil, err
	}
	second, err := in.scan()
	if err != nil {
		return nil, err
	}
	before := map[string]InboxFile{}
	for _, f := range first {
		before[f.Path] = f
	}
	var paths []string
	for _, f := range second {
		paths = append(paths, f.Path)
	}
	writing := map[string]bool{}
	if in.Writing != nil {
		writing = in.Writing(paths)
	}
	var out []InboxFile
	for _, f := range second {
		b, ok := before[f.Path]
		switch {
		case !ok || b.Size != f.Size || !b.ModTime.Equal(f.ModTime):
			in.Log.Info("inbox file still changing; next time", "file", f.Path, "size", f.Size)
		case writing[f.Path]:
			in.Log.Info("inbox file open for writing; next time", "file", f.Path, "size", f.Size)
		default:
			out = append(out, f)
		}
	}
	return out, nil
}

// Ingest ingests the complete files, each in its own transaction, and moves each after
// its commit: to archive/ when it loaded (or was loaded before: same SHA-256), to failed/
// with a .reason file when it cannot be read. Another error (the database, the disk)
// leaves the file where it is and is returned, after the other files were tried.
func (in *Inbox) Ingest(ctx context.Context, st *store.Store, cfg *zhuqi.Config) ([]string, error) {
	files, err := in.Ready(ctx)
	if err != nil {
		return nil, err
	}
	var outputs []string
	var errs []error
	loaded := false
	for _, f := range files {
		if ctx.Err() != nil {
			return outputs, ctx.Err()
		}
		in.Log.Info("ingesting", "file", f.Path, "kind", f.Kind, "size", f.Size)
		rep, err := pipeline.Ingest(ctx, st, cfg, f.Path, pipeline.Options{Kind: f.Kind})
		switch {
		case err == nil:
			to, merr := in.move(f.Path, "archive", "")
			if merr != nil {
				errs = append(errs, merr)
				continue
			}
			what := fmt.Sprintf("ingest %d: %d rows loaded, %d rejected, %d warnings", rep.IngestID, rep.Loaded, rep.Rejected, rep.WarningCount())
			if rep.Duplicate {
				what = fmt.Sprintf("already ingested (ingest %d, same SHA-256)", rep.DuplicateOf)
			} else {
				loaded = true
			}
			in.Log.Info("ingested", "file", f.Path, "to", to, "result", what)
			outputs = append(outputs, fmt.Sprintf("%s → %s (%s)", filepath.Base(f.Path), to, what))
		case errors.Is(err, pipeline.ErrFileUnreadable):
			to, merr := in.move(f.Path, "failed", err.Error()+"\n")
			if merr != nil {
				errs = append(errs, merr)
				continue
			}
			in.Log.Warn("inbox file cannot be read; moved to failed/", "file", f.Path, "to", to, "error", err)
			outputs = append(outputs, fmt.Sprintf("%s → %s (cannot be read: see %s.reason)", filepath.Base(f.Path), to, filepath.Base(to)))
		default:
			if ctx.Err() != nil {
				return outputs, err
			}
			errs = append(errs, err)
		}
	}
	if loaded {
		macros, err := queries.MacroSQL(ctx, st.DB, cfg, false)
		if err == nil {
			err = pipeline.WriteCalendar(ctx, st, cfg, macros)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return outputs, errors.Join(errs...)
}

// move moves path into <inbox>/<to>/<date>/, under a name not yet taken there, with a
// .reason file beside it when reason is not empty. It returns the new path relative to
// the inbox.
func (in *Inbox) move(path, to, reason string) (string, error) {
	dir := filepath.Join(in.Dir, to, in.Now().Format("2006-01-02"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("inbox: %w", err)
	}
	base := filepath.Base(path)
	ext := filepath.Ext(base)
	dst := filepath.Join(dir, base)
	for i := 2; ; i++ {
		if _, err := os.Lstat(dst); errors.Is(err, os.ErrNotExist) {
			break
		}
		dst = filepath.Join(dir, fmt.Sprintf("%s-%d%s", strings.TrimSuffix(base, ext), i, ext))
	}
	if reason != "" {
		if err := os.WriteFile(dst+".reason", []byte(reason), 0o644); err != nil {
			return "", fmt.Errorf("inbox: %w", err)
		}
	}
	if err := os.Rename(path, dst); err != nil {
		return "", fmt.Errorf("inbox: move %s to %s/: %w", path, to, err)
	}
	rel, err := filepath.Rel(in.Dir, dst)
	if err != nil {
		rel = dst
	}
	return rel, nil
}
