// Process-wide allocator settings for the control node.
#pragma once

namespace drover {

// glibc gives memory at the top of the heap back to the kernel as soon as 128 KB are free there.
// Rendering a template allocates and frees its whole output (a 60 KB config, say), so the heap
// shrank and grew again on every render: bench/template made 5,321 brk calls in 2,700 renders,
// and brk and the page faults after it were ~4% of the profile. drover is a short-lived process:
// it keeps up to 64 MB of freed heap instead (11 brk calls). Called first thing in main() (and by
// the template benchmark, which measures the engine as drover runs it).
void tune_allocator();

}  // namespace drover
