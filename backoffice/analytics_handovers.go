package backoffice

import "context"

// handoverFigures adds the handover figures of the last handoverStatsDays
// (requests, median wait, taken, abandoned) to the analytics page's data:
// the same figures the queue page shows its admins, from the same Stats.
// Nothing is added when handovers are not served.
func (o *Office) handoverFigures(ctx context.Context, municipality string, data map[string]any) error {
	if o.cfg.Handovers == nil {
		return nil
	}
	stats, err := o.cfg.Handovers.Stats(ctx, municipality, o.now().AddDate(0, 0, -handoverStatsDays))
	if err != nil {
		return err
	}
	data["Handover"], data["HandoverDays"], data["HandoverWait"] = stats, handoverStatsDays, waitText(stats.MedianWait)
	return nil
}
