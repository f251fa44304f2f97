package zhuqi

import (
	"fmt"
	"sort"
	"time"
)

// JobsConfig is the scheduler's configuration: the [jobs] section (DOMAIN §6).
type JobsConfig struct {
	Timezone        string                 `toml:"timezone" yaml:"timezone"`
	Inbox           string                 `toml:"inbox" yaml:"inbox"`
	Out             string                 `toml:"out" yaml:"out"`
	Settle          string                 `toml:"settle" yaml:"settle"`
	Attempts        int                    `toml:"attempts" yaml:"attempts"`
	RetryBackoff    string                 `toml:"retry_backoff" yaml:"retry_backoff"`
	LockWait        string                 `toml:"lock_wait" yaml:"lock_wait"`
	CheckEvery      string                 `toml:"check_every" yaml:"check_every"`
	Webhook         string                 `toml:"webhook" yaml:"webhook"`
	WebhookKind     string                 `toml:"webhook_kind" yaml:"webhook_kind"`
	WebhookFormat   string                 `toml:"webhook_format" yaml:"webhook_format"`
	WebhookTimeout  string                 `toml:"webhook_timeout" yaml:"webhook_timeout"`
	WebhookAttempts int                    `toml:"webhook_attempts" yaml:"webhook_attempts"`
	Schedule        map[string]JobSchedule `toml:"schedule" yaml:"schedule"`
}

// JobSchedule is when one job runs.
type JobSchedule struct {
	Cron         string `toml:"cron" yaml:"cron"`
	Enabled      *bool  `toml:"enabled" yaml:"enabled"`
	WorkdaysOnly *bool  `toml:"workdays_only,omitempty" yaml:"workdays_only,omitempty"`
}

// On reports whether the job is enabled (unset means enabled).
func (s JobSchedule) On() bool { return s.Enabled == nil || *s.Enabled }

// OnWorkdaysOnly reports whether fire times on days off are skipped.
func (s JobSchedule) OnWorkdaysOnly() bool { return s.WorkdaysOnly != nil && *s.WorkdaysOnly }

// Location is the scheduler's timezone: [jobs] timezone, else the top-level one.
func (j *JobsConfig) Location(fallback string) (*time.Location, error) {
	tz := j.Timezone
	if tz == "" {
		tz = fallback
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("jobs.timezone %q: %w (use an IANA name such as Asia/Shanghai)", tz, err)
	}
	return loc, nil
}

// Duration reads one of the duration settings by its TOML name.
func (j *JobsConfig) Duration(name string) (time.Duration, error) {
	v := map[string]string{"settle": j.Settle, "retry_backoff": j.RetryBackoff, "lock_wait": j.LockWait,
		"check_every": j.CheckEvery, "webhook_timeout": j.WebhookTimeout}[name]
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("jobs.%s = %q: not a duration (write e.g. \"30s\", \"5m\")", name, v)
	}
	return d, nil
}

// Names lists the configured jobs, sorted.
func (j *JobsConfig) Names() []string {
	var out []string
	for n := range j.Schedule {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (j *JobsConfig) merge(u *JobsConfig) {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&j.Timezone, u.Timezone)
	set(&j.Inbox, u.Inbox)
	set(&j.Out, u.Out)
	set(&j.Settle, u.Settle)
	set(&j.RetryBackoff, u.RetryBackoff)
	set(&j.LockWait, u.LockWait)
	set(&j.CheckEvery, u.CheckEvery)
	set(&j.Webhook, u.Webhook)
	set(&j.WebhookKind, u.WebhookKind)
	set(&j.WebhookFormat, u.WebhookFormat)
	set(&j.WebhookTimeout, u.WebhookTimeout)
	if u.Attempts > 0 {
		j.Attempts = u.Attempts
	}
	if u.WebhookAttempts > 0 {
		j.WebhookAttempts = u.WebhookAttempts
	}
	if j.Schedule == nil {
		j.Schedule = map[string]JobSchedule{}
	}
	for name, s := range u.Schedule {
		cur := j.Schedule[name]
		set(&cur.Cron, s.Cron)
		if s.Enabled != nil {
			cur.Enabled = s.Enabled
		}
		if s.WorkdaysOnly != nil {
			cur.WorkdaysOnly = s.WorkdaysOnly
		}
		j.Schedule[name] = cur
	}
}

func (j *JobsConfig) validate(fallbackTZ string) error {
	if _, err := j.Location(fallbackTZ); err != nil {
		return err
	}
	for _, n := range []string{"settle", "retry_backoff", "lock_wait", "check_every", "webhook_timeout"} {
		if _, err := j.Duration(n); err != nil {
			return err
		}
	}
	if j.WebhookKind != "dingtalk" && j.WebhookKind != "wecom" {
		return fmt.Errorf("jobs.webhook_kind = %q: use dingtalk or wecom", j.WebhookKind)
	}
	if j.WebhookFormat != "markdown" && j.WebhookFormat != "text" {
		return fmt.Errorf("jobs.webhook_format = %q: use markdown or text", j.WebhookFormat)
	}
	return nil
}
