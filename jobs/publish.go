package jobs

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/zhuqi/zhuqi/internal/atomicfile"
	"github.com/zhuqi/zhuqi/internal/tabular"
	"github.com/zhuqi/zhuqi/queries"
)

// WritePublication writes a ranking publication's body and one CSV per ranking under dir
// (each to a temporary file renamed into place) and returns the file names relative to dir.
func WritePublication(dir string, pub *queries.Publication) ([]string, error) {
	body, err := pub.Body()
	if err != nil {
		return nil, err
	}
	files := []string{pub.ID + ".json"}
	if err := atomicfile.WriteFile(filepath.Join(dir, files[0]), body); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	for i := range pub.Rankings {
		pr := &pub.Rankings[i]
		var b bytes.Buffer
		if err := tabular.WriteCSV(&b, queries.PubRankTable(pub, pr)); err != nil {
			return nil, err
		}
		name := fmt.Sprintf("ranking-%s-%s-v%d.csv", pr.Ranking, pub.Period, pub.Version)
		if err := atomicfile.WriteFile(filepath.Join(dir, name), b.Bytes()); err != nil {
			return nil, fmt.Errorf("publish: %w", err)
		}
		files = append(files, name)
	}
	return files, nil
}
