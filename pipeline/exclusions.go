package pipeline

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/zhuqi/zhuqi"
)

// checkKind applies the bad-input rules a kind has beyond its columns' own (DOMAIN §1.3)
// to the parsed rows in normTable: a row that breaks one becomes a reject with a reason
// that says how to fix it; the rest of the file still loads.
func checkKind(ctx context.Context, conn *sql.Conn, kind zhuqi.Kind) error {
	if kind != zhuqi.KindExclusions {
		return nil
	}
	// An exclusion of a ticket that no export has is a typo or an export not yet ingested.
	q := fmt.Sprintf(`UPDATE %s n SET problem = 'unknown_ticket',
    reject_reason = '诉求编号「' || n.ticket_id || '」不在已导入的诉求台账中：请核对编号，或先导入含该诉求的台账再导入本行 (no ticket export has this ticket id)'
WHERE n.problem IS NULL AND NOT EXISTS (SELECT 1 FROM ticket_versions v WHERE v.ticket_id = n.ticket_id)`, normTable)
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("check exclusions: %w", err)
	}
	return nil
}
