package main

import (
	"io"
	"log/slog"
	"os"
)

// newLogger makes the daemon's log on w (stderr): text (key=value) or JSON
// lines as cfg says, at the level of cfg (debug or info), which the
// returned LevelVar changes on a reload. Under systemd, when w is the
// journal's stream, lines carry no time of their own: journald stamps each.
func newLogger(w io.Writer, cfg *Config) (*slog.Logger, *slog.LevelVar) {
	level := new(slog.LevelVar)
	level.Set(logLevel(cfg))
	opts := &slog.HandlerOptions{Level: level}
	if f, ok := w.(*os.File); ok && isJournalStream(f, os.Getenv("JOURNAL_STREAM")) {
		opts.ReplaceAttr = dropTime
	}
	if cfg.Server.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), level
	}
	return slog.New(slog.NewTextHandler(w, opts)), level
}

// logLevel is the level server.debug asks for.
func logLevel(cfg *Config) slog.Level {
	if cfg.Server.Debug {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
