package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/zhuqi/zhuqi"
)

// Notifier announces publications to a DingTalk or WeCom group robot. Announce never
// blocks a run: it sends in the background, each attempt bounded by Timeout, up to
// Attempts times.
type Notifier struct {
	URL     string
	Kind    string // dingtalk or wecom
	Format  string // markdown or text
	Timeout time.Duration
	// Attempts in all, Backoff apart (doubling).
	Attempts int
	Backoff  time.Duration
	Client   *http.Client
	Log      *slog.Logger

	wg sync.WaitGroup
}

// Message is the robot message announcing title with one line per file.
func Message(kind, format, title string, lines []string) ([]byte, error) {
	var msg any
	switch format {
	case "text":
		msg = map[string]any{"msgtype": "text", "text": map[string]string{"content": title + "\n" + strings.Join(lines, "\n")}}
	default:
		var b strings.Builder
		fmt.Fprintf(&b, "### %s\n", title)
		for _, l := range lines {
			fmt.Fprintf(&b, "- %s\n", l)
		}
		md := map[string]string{"content": b.String()}
		if kind == "dingtalk" {
			md = map[string]string{"title": title, "text": b.String()}
		}
		msg = map[string]any{"msgtype": "markdown", "markdown": md}
	}
	return json.Marshal(msg)
}

// Announce sends the message in the background.
func (n *Notifier) Announce(title string, lines []string) {
	body, err := Message(n.Kind, n.Format, title, lines)
	if err != nil {
		n.Log.Error("webhook message", "error", err)
		return
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		wait := n.Backoff
		for attempt := 1; ; attempt++ {
			err := n.send(body)
			if err == nil {
				n.Log.Info("webhook sent", "title", title)
				return
			}
			if attempt >= n.Attempts {
				n.Log.Error("webhook failed; giving up", "webhook", zhuqi.MaskURL(n.URL), "title", title, "attempts", attempt, "error", n.redact(err))
				return
			}
			n.Log.Warn("webhook failed; trying again", "webhook", zhuqi.MaskURL(n.URL), "title", title, "attempt", attempt, "error", n.redact(err))
			time.Sleep(wait)
			wait *= 2
		}
	}()
}

// redact is err's message with the webhook's secrets (its token, its key) replaced by
// "***": an HTTP client's error quotes the whole URL.
func (n *Notifier) redact(err error) string {
	msg := strings.ReplaceAll(err.Error(), n.URL, zhuqi.MaskURL(n.URL))
	u, perr := url.Parse(n.URL)
	if perr != nil {
		return "webhook error (message withheld: the webhook URL does not parse)"
	}
	var secrets []string
	for _, vs := range u.Query() {
		secrets = append(secrets, vs...)
	}
	if p, ok := u.User.Password(); ok {
		secrets = append(secrets, p)
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if len(seg) >= 24 {
			secrets = append(secrets, seg)
		}
	}
	for _, s := range secrets {
		if len(s) >= 4 {
			msg = strings.ReplaceAll(msg, s, "***")
			msg = strings.ReplaceAll(msg, url.QueryEscape(s), "***")
		}
	}
	return msg
}

// Wait waits for the announcements in flight, at most d.
func (n *Notifier) Wait(d time.Duration) {
	done := make(chan struct{})
	go func() { n.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}

func (n *Notifier) send(body []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), n.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	client := n.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook: HTTP %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	// Both robots answer {"errcode":0,"errmsg":"ok"} when they took the message.
	var r struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if json.Unmarshal(b, &r) == nil && r.ErrCode != nil && *r.ErrCode != 0 {
		return fmt.Errorf("webhook: errcode %d: %s", *r.ErrCode, r.ErrMsg)
	}
	return nil
}
