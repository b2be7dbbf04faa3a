// exp and log1p for the f32 paths, through the f64 ones (rounded once to f32): the module then
// carries one exp and one log1p (about 750 bytes less than also carrying Mathf's), and the f32
// results are the correctly rounded ones but in rare ties. Both builds give the same bits.

// @ts-ignore: decorator
@inline export function expf(x: f32): f32 { return <f32>Math.exp(<f64>x); }
// @ts-ignore: decorator
@inline export function log1pf(x: f32): f32 { return <f32>Math.log1p(<f64>x); }
