package pipeline

import (
	"fmt"
	"os"
	"strings"

	"github.com/zhuqi/zhuqi"
)

// fastPathEnv overrides [ingest] fast_path: "off" or "on" (tests and CI run both ways).
const fastPathEnv = "ZHUQI_FAST_PATH"

// fastPath says whether Ingest may read a ticket CSV with the Go fast paths: the
// line digest (digest*.go: unchanged rows are not parsed again, changed rows are parsed
// in Go) and the direct parser of new tickets (direct*.go). When it may not, every row is
// staged and normalised in SQL (normalize.go), the reference the fast paths must match.
// It is the one place the fast paths are switched.
func fastPath(cfg *zhuqi.Config) (bool, error) {
	if v, ok := os.LookupEnv(fastPathEnv); ok && v != "" {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "on", "true", "1":
			return true, nil
		case "off", "false", "0":
			return false, nil
		}
		return false, fmt.Errorf("%s=%q: want on or off (or unset it to follow [ingest] fast_path)", fastPathEnv, v)
	}
	return cfg.Ingest.FastPath == nil || *cfg.Ingest.FastPath, nil
}
