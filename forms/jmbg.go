package forms

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrJMBG* are the ways a JMBG is wrong; each carries the Serbian message
// the citizen sees (errors.Is works on them).
var (
	ErrJMBGFormat   = errors.New("JMBG mora imati tačno 13 cifara")
	ErrJMBGChecksum = errors.New("JMBG nije ispravan (kontrolna cifra se ne slaže); proverite da li ste dobro prepisali broj")
	ErrJMBGDate     = errors.New("JMBG nije ispravan: prvih sedam cifara ne čine postojeći datum rođenja")
	ErrJMBGFuture   = errors.New("JMBG nije ispravan: datum rođenja je u budućnosti")
)

// NormalizeJMBG removes the spaces, dots and dashes people type inside a
// number.
func NormalizeJMBG(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// ValidateJMBG checks a JMBG (DD MM YYY RR BBB K): 13 digits, the control
// digit, and that the date is a real date not after now. YYY 9xx is 19xx,
// 0xx is 20xx and 8xx is 18xx (people born in the 1800s keep their
// numbers); 1xx-7xx cannot be issued yet and are rejected as dates.
//
// The control digit: S = 7(a+g)+6(b+h)+5(c+i)+4(d+j)+3(e+k)+2(f+l),
// m = 11 − S mod 11; m in 1..9 gives K = m and m = 11 gives K = 0.
//
// Decision, m = 10 (S mod 11 = 1): the number is REJECTED, as
// python-stdnum does. No single digit encodes 10, so the issuing
// authority does not hand out such a prefix; accepting K = 0 there (as
// some libraries do) would make 0 the control digit of two residues and
// let a mistyped number pass more often. A citizen whose real number were
// refused can still apply at the counter; a wrong number filed online
// would instead produce a wrong extract.
func ValidateJMBG(s string, now time.Time) error {
	if len(s) != 13 || !onlyDigits(s) {
		return jmbgFormatError(s)
	}
	var d [13]int
	for i, r := range s {
		d[i] = int(r - '0')
	}
	sum := 7*(d[0]+d[6]) + 6*(d[1]+d[7]) + 5*(d[2]+d[8]) + 4*(d[3]+d[9]) + 3*(d[4]+d[10]) + 2*(d[5]+d[11])
	m := 11 - sum%11
	switch {
	case m == 10:
		return ErrJMBGChecksum // see the decision above
	case m == 11:
		m = 0
	}
	if d[12] != m {
		return ErrJMBGChecksum
	}
	day := d[0]*10 + d[1]
	month := d[2]*10 + d[3]
	yyy := d[4]*100 + d[5]*10 + d[6]
	var year int
	switch {
	case yyy >= 800:
		year = 1000 + yyy // 8xx → 18xx, 9xx → 19xx
	case yyy < 100:
		year = 2000 + yyy
	default:
		return jmbgErr(ErrJMBGDate, "JMBG nije ispravan: peta, šesta i sedma cifra (%03d) treba da budu godina rođenja bez prve cifre (npr. 985 za 1985. ili 005 za 2005.)", yyy)
	}
	if day < 1 || day > 31 {
		return jmbgErr(ErrJMBGDate, "JMBG nije ispravan: prve dve cifre (%02d) treba da budu dan rođenja, od 01 do 31", day)
	}
	if month < 1 || month > 12 {
		return jmbgErr(ErrJMBGDate, "JMBG nije ispravan: treća i četvrta cifra (%02d) treba da budu mesec rođenja, od 01 do 12", month)
	}
	born := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if born.Day() != day || born.Month() != time.Month(month) { // 31.02. rolls over
		return jmbgErr(ErrJMBGDate, "JMBG nije ispravan: %02d.%02d.%d. nije postojeći datum rođenja (prve dve cifre su dan, sledeće dve mesec)", day, month, year)
	}
	if born.After(now) {
		return jmbgErr(ErrJMBGFuture, "JMBG nije ispravan: datum rođenja %02d.%02d.%d. je u budućnosti", day, month, year)
	}
	return nil
}

// jmbgError is a refused JMBG explained in detail; errors.Is matches its
// kind (ErrJMBGFormat, ErrJMBGDate, ErrJMBGFuture).
type jmbgError struct {
	kind error
	msg  string
}

func (e *jmbgError) Error() string { return e.msg }
func (e *jmbgError) Unwrap() error { return e.kind }

func jmbgErr(kind error, format string, args ...any) error {
	return &jmbgError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// jmbgFormatError says what is wrong with the shape: letters, or how many
// digits were typed.
func jmbgFormatError(s string) error {
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	switch {
	case digits == 0:
		return jmbgErr(ErrJMBGFormat, "JMBG mora imati tačno 13 cifara; upišite samo broj")
	case digits != len([]rune(s)):
		return jmbgErr(ErrJMBGFormat, "JMBG mora imati tačno 13 cifara, bez slova i drugih znakova")
	case digits < 13:
		return jmbgErr(ErrJMBGFormat, "JMBG mora imati tačno 13 cifara, a upisano je %d; proverite da neka cifra nije izostavljena", digits)
	default:
		return jmbgErr(ErrJMBGFormat, "JMBG mora imati tačno 13 cifara, a upisano je %d; proverite da neka cifra nije ponovljena", digits)
	}
}

// MaskJMBG shows the first four and last three digits, e.g. 0101******006:
// enough for staff to match a document, not enough to reuse the number.
func MaskJMBG(s string) string {
	if len(s) != 13 {
		return "*************"
	}
	return s[:4] + "******" + s[10:]
}
