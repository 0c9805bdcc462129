// zlib (Debian: zlib1g-dev), for gzip files (IDX, CSV.gz), NPZ archives and PNG images.
#include <zlib.h>
