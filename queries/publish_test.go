package queries

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/zhuqi/zhuqi"
)

func TestPublish(t *testing.T) {
	f, q := rankFixture(t)
	ctx := context.Background()
	p := f.period(q, "2026-10")
	now := time.Date(2026, 11, 3, 1, 0, 0, 0, time.UTC)

	v1, err := f.publish(ctx, q, p, now)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "id", v1.ID, "ranking-2026-10-v1")
	eq(t, "existing", v1.Existing, false)
	eq(t, "inputs", len(v1.Inputs), 2)
	eq(t, "departments ranked first", *v1.Ranking(Departments).Rows[0].Total, 95.8)
	body1, _ := v1.Body()

	t.Run("SameInputsSameBytes", func(t *testing.T) {
		again, err := f.publish(ctx, q, p, now.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "existing", again.Existing, true)
		eq(t, "id", again.ID, v1.ID)
		body, _ := again.Body()
		if !bytes.Equal(body, body1) {
			t.Errorf("republished body differs:\n%s\n---\n%s", body, body1)
		}
		// A fresh session on the same data computes the same bytes too.
		q2 := f.open()
		fresh, err := q2.Publication(ctx, "2026-10")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := fresh.Body()
		if !bytes.Equal(b, body1) {
			t.Error("reloaded body differs")
		}
	})

	t.Run("NewInputsNewVersion", func(t *testing.T) {
		f.facts(zhuqi.KindDeductions, []string{"department", "month", "points", "reason"}, [][]string{
			{"乙局", "2026-10", "10", "补充扣分"},
		})
		q3 := f.open()
		v2, err := f.publish(ctx, q3, p, now.Add(48*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "id", v2.ID, "ranking-2026-10-v2")
		eq(t, "version", v2.Version, 2)
		// 乙局 loses 10 efficiency points: 95.8 − 10 = 85.8, still ahead of 丁局 and 戊局 (84.1).
		eq(t, "乙局 total", *v2.Ranking(Departments).Rows[0].Total, 85.8)
		old, err := q3.Publication(ctx, "ranking-2026-10-v1")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := old.Body()
		if !bytes.Equal(b, body1) {
			t.Error("version 1 changed after version 2 was published")
		}
		list, err := q3.Publications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != "ranking-2026-10-v2" || list[1].ID != "ranking-2026-10-v1" {
			t.Errorf("list = %+v", list)
		}
	})
}
