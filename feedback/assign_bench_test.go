package feedback

import (
	"fmt"
	"testing"
)

// BenchmarkAssign files 50 new questions among 5,000 already grouped
// (about a year of a city's gaps): what opening /staff/gaps costs in Go.
func BenchmarkAssign(b *testing.B) {
	topics := []string{"parking u centru", "radno vreme bazena", "sečenje drveta dozvola", "pasoš izdavanje", "red vožnje autobusa",
		"subvencije za solarne panele", "zakazivanje venčanja", "koncerti na trgu", "javni toalet", "stipendije za studente"}
	var members []Member
	for i := range 5000 {
		members = append(members, Member{Group: int64(i%500 + 1), Tokens: Signature(fmt.Sprintf("%s %d pitanje broj %d", topics[i%len(topics)], i%500, i))})
	}
	var pending []Pending
	for i := range 50 {
		pending = append(pending, Pending{AnswerID: int64(i), Question: fmt.Sprintf("Koliko košta %s u gradu %d?", topics[i%len(topics)], i)})
	}
	b.ReportAllocs()
	for b.Loop() {
		Assign(pending, members)
	}
}
