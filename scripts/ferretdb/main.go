// Command ferretdb runs FerretDB v1 (SQLite backend) on a loopback address, for Parley's tests
// and for developers: a MongoDB wire-compatible server built from the Go module proxy alone.
//
// It starts the embeddable package github.com/FerretDB/FerretDB/ferretdb rather than upstream's
// cmd/ferretdb, whose binary panics at start unless built by FerretDB's release tooling (it reads
// a generated version file). Upstream's go.mod at v1.24.2 has no replace directives, so nothing
// needs copying here.
//
// Usage:
//
//	ferretdb -listen 127.0.0.1:0 -data /tmp/parley-ferretdb
//
// Once the listener is bound it prints one line on stdout, which scripts wait for:
//
//	ferretdb listening on mongodb://127.0.0.1:41234/
//
// SIGINT or SIGTERM stops it cleanly (listener closed, connections closed, SQLite files closed).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (port 0 picks a free port)")
	data := flag.String("data", "", "directory for the SQLite files (created if missing; required)")
	logLevel := flag.String("log-level", "warn", "log level on stderr: debug, info, warn or error")
	flag.Parse()

	if err := run(*listen, *data, *logLevel); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %s\n", err)
		os.Exit(1)
	}
}

func run(listen, data, logLevel string) error {
	if data == "" {
		return errors.New("-data is required")
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}

	dir, err := filepath.Abs(data)
	if err != nil {
		return err
	}
	if err = os.MkdirAll(dir, 0o700); err != nil {
		return err
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// The listener is bound inside New, so the address (and a port chosen for port 0) is known
	// before Run starts accepting; connections made in between wait in the kernel's backlog.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	fmt.Printf("ferretdb listening on %s\n", f.MongoDBURI())

	// Run returns once ctx is canceled and the listener, every connection and the backend are closed.
	if err = f.Run(ctx); err != nil {
		return err
	}

	fmt.Println("ferretdb stopped")

	return nil
}
