package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// insertRaw creates rawTable with rows.
func insertRaw(ctx context.Context, conn *sql.Conn, rows []rawRow, batch int) error {
	if err := createRaw(ctx, conn); err != nil {
		return err
	}
	return streamRaw(ctx, conn, batch, func() (rawRow, error) {
		if len(rows) == 0 {
			return rawRow{}, io.EOF
		}
		r := rows[0]
		rows = rows[1:]
		return r, nil
	})
}

// streamRaw adds to rawTable the rows next returns, up to io.EOF.
func streamRaw(ctx context.Context, conn *sql.Conn, batch int, next func() (rawRow, error)) error {
	fill := func(b *array.RecordBuilder) (int, error) {
		n := 0
		for ; n < batch; n++ {
			r, err := next()
			if err != nil {
				return n, err
			}
			appendRaw(b, r)
		}
		return n, nil
	}
	if err := insertArrow(ctx, conn, newBatchReader(ctx, rawSchema, fill), rawTable); err != nil {
		return fmt.Errorf("hash rows: %w", err)
	}
	return nil
}

// appendRaw appends r to a batch of rawSchema.
func appendRaw(b *array.RecordBuilder, r rawRow) {
	b.Field(0).(*array.Int64Builder).Append(r.row)
	if len(r.id) > 0 {
		b.Field(1).(*array.StringBuilder).BinaryBuilder.Append(r.id)
	} else {
		b.Field(1).(*array.StringBuilder).AppendNull()
	}
	b.Field(2).(*array.Uint64Builder).Append(r.hash)
	b.Field(3).(*array.Int64Builder).Append(r.off)
}

var rawSchema = arrow.NewSchema([]arrow.Field{
	{Name: "_row", Type: arrow.PrimitiveTypes.Int64},
	{Name: "ticket_id", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "raw_hash", Type: arrow.PrimitiveTypes.Uint64},
	{Name: "_off", Type: arrow.PrimitiveTypes.Int64},
}, nil)

func createRaw(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+rawTable+" (_row BIGINT, ticket_id VARCHAR, raw_hash UBIGINT, _off BIGINT)")
	return err
}

// rawFromLines adds to rawTable the rows of f (as digestCSV reads it) at refs.
func rawFromLines(ctx context.Context, conn *sql.Conn, f lineFile, refs []lineRef, batch int) error {
	if len(refs) == 0 {
		return nil
	}
	lr, head, err := openLines(f.path, f.sc)
	if err != nil {
		return err
	}
	lr.Close()
	seedC, seedI := lineSeeds(f.seedText, head)
	ls, err := openCSVLines(f.path, nil, f.sc.Delim, f.enc, 0, f.sizes.lineWindow)
	if err != nil {
		return err
	}
	defer ls.Close()
	return streamRaw(ctx, conn, batch, func() (rawRow, error) {
		if len(refs) == 0 {
			return rawRow{}, io.EOF
		}
		ref := refs[0]
		refs = refs[1:]
		line, err := ls.line(ref.off)
		if err == io.EOF {
			return rawRow{}, fmt.Errorf("%w: the file ended before row %d: was it changed while being read?", ErrFileUnreadable, ref.row)
		}
		if err != nil {
			return rawRow{}, err
		}
		return rawRow{row: ref.row, off: ref.off, hash: lineHash(seedC, seedI, line), id: lineID(line, f.sc.Delim, f.idCol, f.space, ls.decode)}, nil
	})
}

// repeatedRows returns, in order, the rows of f (as digestCSV reads it) whose ticket id
// hashes to one of ids, with their raw hashes and id hashes.
func repeatedRows(ctx context.Context, f lineFile, ids map[uint64]bool) ([]lineRef, []uint64, []uint64, error) {
	lr, head, err := openLines(f.path, f.sc)
	if err != nil {
		return nil, nil, nil, err
	}
	defer lr.Close()
	decode := lineDecoder(f.enc)
	seedC, seedI := lineSeeds(f.seedText, head)
	var refs []lineRef
	var hashes, idHashes []uint64
	for k := 0; ; k++ {
		if k%(1<<16) == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, nil, err
			}
		}
		line, num, err := lr.next()
		if err == io.EOF {
			return refs, hashes, idHashes, nil
		}
		if err != nil {
			return nil, nil, nil, err
		}
		id := lineID(line, f.sc.Delim, f.idCol, f.space, decode)
		if len(id) == 0 {
			continue
		}
		ih := idHash(id)
		if !ids[ih] {
			continue
		}
		refs = append(refs, lineRef{num, lr.at})
		hashes = append(hashes, lineHash(seedC, seedI, line))
		idHashes = append(idHashes, ih)
	}
}
