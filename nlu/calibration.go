package nlu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
)

// Calibration holds the figures fitted on the dev split of the NLU
// dataset (never on test): the softmax temperature that makes the
// model's probabilities honest, and the thresholds the decisions use.
type Calibration struct {
	// Temperature divides the model's scores before the softmax; 0 means 1.
	Temperature float64 `json:"temperature"`
	// ClarifyBelow: a result less confident than this asks instead of
	// guessing (Result.Clarify).
	ClarifyBelow float64 `json:"clarify_below"`
	// FormMin is the probability a form start needs; below it the message
	// is read as an information question (Info), the safer mistake.
	FormMin float64 `json:"form_min"`
	// CategoryMin is the probability the category model needs for its
	// category to fill the slot when no option is named outright.
	CategoryMin float64 `json:"category_min"`
	// Fitted says what the figures were fitted on (items, date).
	Fitted string `json:"fitted,omitempty"`
}

// ParseCalibration decodes and checks a calibration file.
func ParseCalibration(b []byte) (Calibration, error) {
	var c Calibration
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, err
	}
	return c, c.check()
}

func (c Calibration) check() error {
	if c.Temperature < 0 || math.IsNaN(c.Temperature) {
		return fmt.Errorf("temperature %v: want > 0", c.Temperature)
	}
	for name, v := range map[string]float64{"clarify_below": c.ClarifyBelow, "form_min": c.FormMin, "category_min": c.CategoryMin} {
		if v < 0 || v > 1 || math.IsNaN(v) {
			return fmt.Errorf("%s %v: want a probability", name, v)
		}
	}
	return nil
}

// JSON returns the calibration as the indented JSON of calibration.json.
func (c Calibration) JSON() []byte {
	b, _ := json.MarshalIndent(c, "", "  ")
	return append(b, '\n')
}

func (c Calibration) temperature() float64 {
	if c.Temperature == 0 {
		return 1
	}
	return c.Temperature
}
