package forms

import (
	"errors"
	"strings"
	"time"
	"unicode"
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
	if len(s) != 13 {
		return ErrJMBGFormat
	}
	var d [13]int
	for i, r := range s {
		if r > unicode.MaxASCII || r < '0' || r > '9' {
			return ErrJMBGFormat
		}
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
		return ErrJMBGDate
	}
	if month < 1 || month > 12 || day < 1 {
		return ErrJMBGDate
	}
	born := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if born.Day() != day || born.Month() != time.Month(month) { // 31.02. rolls over
		return ErrJMBGDate
	}
	if born.After(now) {
		return ErrJMBGFuture
	}
	return nil
}

// MaskJMBG shows the first four and last three digits, e.g. 0101******006:
// enough for staff to match a document, not enough to reuse the number.
func MaskJMBG(s string) string {
	if len(s) != 13 {
		return "*************"
	}
	return s[:4] + "******" + s[10:]
}
