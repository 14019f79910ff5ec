package main

import (
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Docker cannot run on CI's machines, so this test holds docker-compose.yml
// and the Dockerfile to what the code really reads and listens on.
func TestComposeMatchesTheApp(t *testing.T) {
	root := "../.."
	var compose struct {
		Services map[string]struct {
			Image string `yaml:"image"`
			Build struct {
				Context    string `yaml:"context"`
				Dockerfile string `yaml:"dockerfile"`
			} `yaml:"build"`
			Environment map[string]string `yaml:"environment"`
			Ports       []string          `yaml:"ports"`
			Volumes     []string          `yaml:"volumes"`
			Entrypoint  []string          `yaml:"entrypoint"`
			Profiles    []string          `yaml:"profiles"`
		} `yaml:"services"`
	}
	data, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &compose); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	db, ok := compose.Services["db"]
	if !ok || !regexp.MustCompile(`^pgvector/pgvector:\d+\.\d+\.\d+-pg\d+`).MatchString(db.Image) {
		t.Errorf("db image %q: want pgvector/pgvector at a pinned version tag", db.Image)
	}
	app, ok := compose.Services["app"]
	if !ok {
		t.Fatal("no app service")
	}
	dockerfile, err := os.ReadFile(filepath.Join(root, app.Build.Context, app.Build.Dockerfile))
	if err != nil {
		t.Fatalf("app.build names a Dockerfile that is not there: %v", err)
	}

	code := goSources(t, root)
	for _, svc := range compose.Services {
		for k := range svc.Environment {
			if strings.HasPrefix(k, "POSTGRES_") {
				continue // the database image's own settings
			}
			if !strings.Contains(code, `"`+k+`"`) {
				t.Errorf("compose sets %s, which no Go code reads", k)
			}
		}
	}

	_, port, _ := strings.Cut(app.Environment["MIA_ADDR"], ":")
	if port == "" {
		t.Fatal("app does not set MIA_ADDR host:port")
	}
	if len(app.Ports) == 0 || !strings.HasSuffix(app.Ports[0], ":"+port) {
		t.Errorf("app ports %v do not publish MIA_ADDR's port %s", app.Ports, port)
	}
	if !regexp.MustCompile(`(?m)^EXPOSE ` + port + `$`).Match(dockerfile) {
		t.Errorf("Dockerfile does not EXPOSE %s", port)
	}
	if !regexp.MustCompile(`(?m)^USER `).Match(dockerfile) || regexp.MustCompile(`(?m)^USER root`).Match(dockerfile) {
		t.Error("the runtime image must run as a non-root USER")
	}
	u, err := url.Parse(app.Environment["DATABASE_URL"])
	if err != nil || u.Hostname() != "db" {
		t.Errorf("app DATABASE_URL %q should point at the db service", app.Environment["DATABASE_URL"])
	}
	// The server's role owns nothing; the owner migrates (TestComposeDatabaseRoles
	// runs the init script).
	if !slices.Contains(db.Volumes, "./deploy/postgres/init-roles.sql:/docker-entrypoint-initdb.d/10-roles.sql:ro") {
		t.Errorf("db does not run deploy/postgres/init-roles.sql: volumes %v", db.Volumes)
	}
	if u != nil && u.User.Username() != "mia" || app.Environment["MIA_MIGRATE"] != "false" ||
		!strings.Contains(strings.Join(app.Entrypoint, " "), "mia_owner") {
		t.Errorf("app must serve as role mia with MIA_MIGRATE false and migrate as mia_owner: %v %v", app.Environment, app.Entrypoint)
	}
}

// goSources concatenates the module's non-test Go files.
func goSources(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			b.Write(src)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
