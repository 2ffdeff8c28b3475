//! Progress toward targets: several published methods behind one interface.
