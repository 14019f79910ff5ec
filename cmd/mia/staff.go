package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/miasrbija/mia/backoffice"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/postgres/staffstore"
)

// staffStdin is where `mia staff add` reads the password when
// MIA_STAFF_PASSWORD is unset; tests replace it.
var staffStdin io.Reader = os.Stdin

// runStaff manages back-office accounts: add creates one; disable and
// enable switch it off and on; password replaces its password. All but add
// end the account's sessions.
func runStaff(ctx context.Context, e *env, args []string) error {
	usage := "Usage: mia staff add --municipality SLUG --email E --name N --role admin|staff [--body BODYKEY]\n" +
		"       mia staff disable|enable|password --municipality SLUG --email E\n\n" +
		"The password (at least 12 characters) is read from MIA_STAFF_PASSWORD or, when unset, from the first line of standard input.\n" +
		"--body is required for --role staff: the key of the responsible body whose cases the member works.\n"
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(e.stderr, usage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			return nil
		}
		return usageError{"give a subcommand: add, disable, enable or password"}
	}
	switch args[0] {
	case "add":
	case "disable", "enable", "password":
		return runStaffChange(ctx, e, args[0], args[1:], usage)
	default:
		fmt.Fprint(e.stderr, usage)
		return usageError{fmt.Sprintf("unknown staff subcommand %q", args[0])}
	}
	fs := newFlagSet("staff add", e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage+"\n")
		fs.PrintDefaults()
	}
	cf := bindConfig(fs, e, []*setting{setMunicipality, setStaffPassword}, commonSettings)
	email := fs.String("email", "", "the member's e-mail (the login name)")
	name := fs.String("name", "", "the member's full name")
	role := fs.String("role", "", "admin (every case of the municipality, analytics) or staff (the cases of one body)")
	body := fs.String("body", "", "body key for --role staff, e.g. jkp-cistoca")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" || *name == "" || *role == "" {
		fs.Usage()
		return usageError{"--email, --name and --role are required"}
	}
	c, err := cf.load()
	if err != nil {
		return err
	}
	reg, m, err := c.resolve(e)
	if err != nil {
		return err
	}
	password, err := staffPassword(c)
	if err != nil {
		return err
	}
	db, err := c.openDB(ctx, c.logger(e.stderr), true)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := backoffice.CreateStaff(ctx, staffstore.New(db), reg, backoffice.NewStaff{Municipality: m.Slug, Email: *email,
		Name: *name, Role: backoffice.Role(*role), BodyKey: *body, Password: password})
	if errors.Is(err, fault.ErrInvalid) {
		return usageError{err.Error()}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "staff account %d created: %s (%s) in %s\n", st.ID, st.Email, st.Role, st.Municipality)
	return nil
}

// staffPassword reads the password from MIA_STAFF_PASSWORD or stdin.
func staffPassword(c *Config) (string, error) {
	if p := c.StaffPassword; p != "" {
		return p, nil
	}
	line, err := bufio.NewReader(staffStdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// runStaffChange disables, enables or re-keys an existing account.
func runStaffChange(ctx context.Context, e *env, sub string, args []string, usage string) error {
	fs := newFlagSet("staff "+sub, e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage+"\n")
		fs.PrintDefaults()
	}
	cf := bindConfig(fs, e, []*setting{setMunicipality, setStaffPassword}, commonSettings)
	email := fs.String("email", "", "the member's e-mail")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		fs.Usage()
		return usageError{"--email is required"}
	}
	c, err := cf.load()
	if err != nil {
		return err
	}
	_, m, err := c.resolve(e)
	if err != nil {
		return err
	}
	var password string
	if sub == "password" {
		if password, err = staffPassword(c); err != nil {
			return err
		}
	}
	db, err := c.openDB(ctx, c.logger(e.stderr), true)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "password":
		err = backoffice.SetStaffPassword(ctx, staffstore.New(db), m.Slug, *email, password)
	default:
		err = backoffice.SetStaffDisabled(ctx, staffstore.New(db), m.Slug, *email, sub == "disable")
	}
	if errors.Is(err, fault.ErrInvalid) || errors.Is(err, fault.ErrNotFound) {
		return usageError{err.Error()}
	}
	if err != nil {
		return err
	}
	done := map[string]string{"disable": "disabled", "enable": "enabled", "password": "password changed"}[sub]
	fmt.Fprintf(e.stdout, "staff account %s in %s: %s; its sessions are ended\n", *email, m.Slug, done)
	return nil
}
