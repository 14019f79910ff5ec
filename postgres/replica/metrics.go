package replica

import "github.com/prometheus/client_golang/prometheus"

var (
	upDesc = prometheus.NewDesc("mia_db_replica_up",
		"1 when the read replica serves reads (answers, is a standby, lags within the bound).", []string{"replica"}, nil)
	lagDesc = prometheus.NewDesc("mia_db_replica_lag_seconds",
		"How far the read replica's replay is behind the primary, at the last check.", []string{"replica"}, nil)
	readsDesc = prometheus.NewDesc("mia_db_reads_total",
		"Lag-tolerant reads (search, analytics) by the server that answered them: a replica's host:port/database, or primary.", []string{"target"}, nil)
	retriesDesc = prometheus.NewDesc("mia_db_read_retries_total",
		"Reads run again on the primary after a replica failed them.", nil, nil)
)

// Describe implements prometheus.Collector.
func (s *Set) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{upDesc, lagDesc, readsDesc, retriesDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector: the Set's state as it is now,
// so the figures cost nothing between scrapes.
func (s *Set) Collect(ch chan<- prometheus.Metric) {
	for _, st := range s.Status() {
		up := 0.0
		if st.Healthy {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, up, st.Name)
		ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, st.Lag.Seconds(), st.Name)
		ch <- prometheus.MustNewConstMetric(readsDesc, prometheus.CounterValue, float64(st.Reads), st.Name)
	}
	c := s.Counts()
	ch <- prometheus.MustNewConstMetric(readsDesc, prometheus.CounterValue, float64(c.Primary), "primary")
	ch <- prometheus.MustNewConstMetric(retriesDesc, prometheus.CounterValue, float64(c.Retries))
}
