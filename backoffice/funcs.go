package backoffice

import (
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
}
