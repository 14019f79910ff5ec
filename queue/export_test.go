package queue

// RiverConfig exposes the River configuration a Config gives, for tests.
var RiverConfig = riverConfig
