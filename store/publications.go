package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Publication is a ranking publication (DOMAIN §4) as the publications and
// publication_rows tables hold it, in plain values (queries.Publication.Record makes one).
type Publication struct {
	ID, Kind, Period string
	Version          int
	RulesVersion     string
	AsOf             string // local wall time, 2006-01-02 15:04:05
	Inputs           []byte // JSON list of the ingested files
	InputsSHA256     string
	Body             []byte // canonical JSON
	BodySHA256       string
	PublishedAt      string // local wall time, 2006-01-02 15:04:05
	// Rows are the publication's rows of publication_rows: the columns after
	// publication_id, in the table's order (ranking, position, rank, name, … note).
	Rows [][]any
}

// publicationRowColumns is the number of columns of publication_rows; publicationRowBatch
// the rows one statement inserts (one statement per row cost about a millisecond each).
const (
	publicationRowColumns = 19
	publicationRowBatch   = 200
)

// SavePublication records a new publication, its rows and the files written for it, in
// one transaction.
func (s *Store) SavePublication(ctx context.Context, p *Publication, files []string) error {
	if files == nil {
		files = []string{}
	}
	filesJSON, err := json.Marshal(files)
	if err != nil {
		return err
	}
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save publication %s: %w", p.ID, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO publications VALUES (?, ?, ?, ?, ?, ?::TIMESTAMP, ?, ?, ?, ?, ?, ?::TIMESTAMP)`,
		p.ID, p.Kind, p.Period, p.Version, p.RulesVersion, p.AsOf, string(p.Inputs), p.InputsSHA256,
		string(p.Body), p.BodySHA256, string(filesJSON), p.PublishedAt); err != nil {
		return fmt.Errorf("save publication %s: %w", p.ID, err)
	}
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", publicationRowColumns), ", ") + ")"
	for start := 0; start < len(p.Rows); start += publicationRowBatch {
		batch := p.Rows[start:min(start+publicationRowBatch, len(p.Rows))]
		args := make([]any, 0, len(batch)*publicationRowColumns)
		for _, r := range batch {
			if len(r) != publicationRowColumns-1 {
				return fmt.Errorf("save publication %s: a row of %d values, want %d", p.ID, len(r), publicationRowColumns-1)
			}
			args = append(append(args, p.ID), r...)
		}
		stmt := "INSERT INTO publication_rows VALUES " + strings.TrimSuffix(strings.Repeat(tuple+", ", len(batch)), ", ")
		if _, err := tx.ExecContext(ctx, stmt, args...); err != nil {
			return fmt.Errorf("save publication %s: %w", p.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save publication %s: %w", p.ID, err)
	}
	return nil
}

// SetPublicationFiles records the files written for a stored publication.
func (s *Store) SetPublicationFiles(ctx context.Context, id string, files []string) error {
	b, err := json.Marshal(files)
	if err != nil {
		return err
	}
	if _, err := s.DB.ExecContext(ctx, `UPDATE publications SET files = ? WHERE publication_id = ?`, string(b), id); err != nil {
		return fmt.Errorf("record files of %s: %w", id, err)
	}
	return nil
}
