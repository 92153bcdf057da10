// glibc's malloc tuning (mallopt), for `sluice serve`: see Sources/sluice/ServeCommand.swift.
#include <malloc.h>
