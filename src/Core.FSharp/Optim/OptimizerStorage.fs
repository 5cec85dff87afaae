namespace Fluxion.Optim

open Fluxion.Backend
open Fluxion.Kernels.OptimKernels

/// Parameter storage whose backend runs torch.optim's updates in place with its own kernels, in the operation
/// order of PyTorch's single-tensor implementation (the Torch backend's libtorch tensors implement it). The
/// object optimizers use it so that a step neither copies data out of the backend nor allocates new state.
/// Buffers are this storage's kind and shape; a method returns false when it has no kernel for the settings,
/// and the optimizer then runs its pure update and copies the result back.
type IOptimizerStorage =
    /// SGD; `hasBuffer` is false on the first step with momentum (the buffer then starts as the direction).
    abstract SgdStep: grad: RawTensor * momentumBuffer: RawTensor * hasBuffer: bool * hp: SgdHyper -> bool
    /// Adam, or AdamW when `decoupled`; `step` counts this update from 1; `maxExpAvgSq` is used with amsgrad.
    abstract AdamStep: grad: RawTensor * expAvg: RawTensor * expAvgSq: RawTensor * maxExpAvgSq: RawTensor * step: int * decoupled: bool * hp: AdamHyper -> bool
    /// RMSprop; `momentumBuffer` is used with momentum > 0 and `gradAvg` when centered.
    abstract RmspropStep: grad: RawTensor * squareAvg: RawTensor * momentumBuffer: RawTensor * gradAvg: RawTensor * hp: RmspropHyper -> bool
