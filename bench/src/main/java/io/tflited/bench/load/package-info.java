/** A closed-loop HTTP load client for `tflited serve` over TCP and Unix sockets (bench/load.sh, bench/soak.sh). */
package io.tflited.bench.load;
