package ingest

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

func TestHTMLMainContent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		html     string
		headings []string
		contains []string
		absent   []string
	}{
		{
			name: "no main element: densest block wins",
			html: `<html><body>
<div id="top-menu"><a href="/">Почетна</a> <a href="/o-gradu">О граду</a></div>
<div class="wrapper">
  <div class="left"><p>Кратка вест.</p></div>
  <div class="right">
    <div class="intro"><h1>Матична служба</h1><p>Матична служба издаје изводе из матичних књига рођених, венчаних и умрлих.</p></div>
    <div class="text"><p>Захтев се подноси на шалтеру 8 Градског услужног центра, уз личну карту.</p>
    <p>Изводи за иностранство издају се на међународном обрасцу.</p></div>
  </div>
</div>
<div class="cookie-notice">Користимо колачиће.</div>
</body></html>`,
			headings: []string{"Матична служба"},
			contains: []string{"шалтеру 8", "међународном обрасцу", "изводе из матичних књига"},
			absent:   []string{"Почетна", "Кратка вест", "колачиће"},
		},
		{
			name: "ASP.NET form around the page is kept",
			html: `<html><body><form id="aspnetForm" action="/default.aspx" method="post">
<div class="menu"><ul><li>Вести</li><li>Контакт</li></ul></div>
<div id="content"><h2>Јавни конкурс</h2><p>Град расписује конкурс за суфинансирање пројеката удружења.</p></div>
<form class="search"><input name="q"><p>Претрага сајта</p></form>
</form></body></html>`,
			headings: []string{"Јавни конкурс"},
			contains: []string{"суфинансирање пројеката"},
			absent:   []string{"Вести", "Претрага"},
		},
		{
			name: "article header keeps its title, page header goes",
			html: `<html><body><header><h1>Град Сомбор</h1><p>Званична презентација</p></header>
<article><header><h1>Порез на имовину за 2025.</h1><p>Објављено 10. јануара</p></header>
<p>Решења о порезу на имовину биће достављена до краја марта.</p>
<footer>Подели: Фејсбук</footer></article>
<footer><p>Контакт: 025/468-100</p></footer></body></html>`,
			headings: []string{"Порез на имовину за 2025."},
			contains: []string{"Решења о порезу", "Објављено 10. јануара"},
			absent:   []string{"Град Сомбор", "Званична презентација", "Фејсбук", "Контакт"},
		},
		{
			name: "layout table and div soup",
			html: `<html><body><main><table><tr><td><h2>Радно време</h2>Понедељак–петак<br>7:30–15:30</td></tr></table>
<div>Суботом затворено.<div>Недељом затворено.</div></div></main></body></html>`,
			headings: []string{"Радно време"},
			contains: []string{"Понедељак–петак\n7:30–15:30", "Суботом затворено.\nНедељом затворено."},
		},
		{
			name: "hidden elements and role=navigation go",
			html: `<html><body><main><div role="navigation">Мени</div><div hidden>Скривено</div>
<div style="display: none">Невидљиво</div><p>Видљив текст о такси.</p></main></body></html>`,
			contains: []string{"Видљив текст о такси."},
			absent:   []string{"Мени", "Скривено", "Невидљиво"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := parseHTML([]byte(tt.html))
			if err != nil {
				t.Fatal(err)
			}
			doc.Blocks = cleanBlocks(doc.Blocks)
			text := docText(doc)
			if got := strings.Join(headings(doc), "|"); got != strings.Join(tt.headings, "|") {
				t.Errorf("headings = %q, want %q", got, tt.headings)
			}
			for _, w := range tt.contains {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tt.absent {
				if strings.Contains(text, w) {
					t.Errorf("text keeps %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestHTMLCharset(t *testing.T) {
	t.Parallel()
	encode := func(cm *charmap.Charmap, s string) []byte {
		b, err := cm.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	const cyr = `<p>Градски услужни центар прима пријаве за порез на имовину.</p>`
	const lat = `<p>Gradski uslužni centar prima prijave za porez na imovinu, šalter 5, ćirilica i đak.</p>`
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"declared windows-1251", encode(charmap.Windows1251, `<html><head><meta charset="windows-1251"></head><body>`+cyr+`</body></html>`), "Градски услужни центар"},
		{"declared via http-equiv", encode(charmap.Windows1251, `<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head><body>`+cyr+`</body></html>`), "порез на имовину"},
		{"undeclared windows-1251", encode(charmap.Windows1251, `<html><body>`+cyr+`</body></html>`), "Градски услужни центар"},
		{"undeclared windows-1250", encode(charmap.Windows1250, `<html><body>`+lat+`</body></html>`), "uslužni centar"},
		{"latin-1 declared on a 1250 page", encode(charmap.Windows1250, `<html><head><meta charset="iso-8859-1"></head><body>`+lat+`</body></html>`), "šalter 5, ćirilica i đak"},
		{"utf-8 despite a 1250 declaration", []byte(`<html><head><meta charset="windows-1250"></head><body>` + cyr + `</body></html>`), "Градски услужни центар"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := parseHTML(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if text := docText(doc); !strings.Contains(text, tt.want) {
				t.Errorf("text = %q, want it to contain %q", text, tt.want)
			}
		})
	}
}

func TestHTMLCanonicalURL(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		`<link rel="canonical" href="https://sombor.rs/a/">`:                      "https://sombor.rs/a/",
		`<base href="https://sombor.rs/dir/"><link rel="canonical" href="../b/">`: "https://sombor.rs/b/",
		`<link rel="canonical" href="/relative-without-base">`:                    "",
		`<meta property="og:url" content="http://sombor.rs/og">`:                  "http://sombor.rs/og",
		`<link rel="canonical" href="javascript:alert(1)">`:                       "",
	}
	for head, want := range tests {
		doc, err := parseHTML([]byte(`<html><head>` + head + `</head><body><p>Текст.</p></body></html>`))
		if err != nil {
			t.Fatal(err)
		}
		if doc.URL != want {
			t.Errorf("%s: URL = %q, want %q", head, doc.URL, want)
		}
	}
}
