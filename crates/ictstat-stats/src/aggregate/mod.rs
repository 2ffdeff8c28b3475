//! Regional and group aggregates with their coverage.
