package backoffice

import (
	"fmt"
	"html/template"
	"time"

	"github.com/miasrbija/mia/forms"
)

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Local().Format("02.01.2006. 15:04")
	},
	"statusLabel": func(s forms.CaseStatus) string { return s.Label() },
	"catLabel":    categoryLabel,
	"barH":        func() int { return chartBarH },
	"add":         func(a, b int) int { return a + b },
	"sub":         func(a, b int) int { return a - b },
	"days":        func(d time.Duration) int { return int(d / (24 * time.Hour)) },
	"seconds":     func(d time.Duration) string { return d.Round(100 * time.Millisecond).String() },
	"runStatus":   runStatusLabel,
	// Knowledge gaps and ratings (gaps.go, analytics.go).
	"percent":     func(share float64) string { return fmt.Sprintf("%.0f %%", share*100) },
	"reasonLabel": reasonLabel,
}

// runStatusLabel names a crawl run's status for staff.
func runStatusLabel(s string) string {
	switch s {
	case "ok":
		return "uspešno"
	case "failed":
		return "neuspešno"
	case "running":
		return "u toku"
	}
	return s
}
