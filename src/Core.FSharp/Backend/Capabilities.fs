// Optional kernels a storage offers Optim's losses and optimizers. They sit with the backends because storages
// implement them, and keep Optim's namespace, where their callers are.
namespace Fluxion.Optim

open Fluxion.Backend
open Fluxion.Kernels.OptimKernels

/// Parameter storage whose backend runs torch.optim's updates in place with its own kernels, in the operation
/// order of PyTorch's single-tensor implementation (the managed float storage and the Torch backend implement it). The
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

/// Storage with fused mean-squared-error kernels giving PyTorch's float32 bits (the managed float32 storage has
/// them); each method returns null when it has no kernel for the operands, and the loss runs its composite.
type IMseStorage =
    /// The mean (or, when `mean` is false, the sum) of (this − target)² as a 0-dim tensor.
    abstract TryMse: target: RawTensor * mean: bool -> RawTensor
    /// The MSE adjoint in one pass: `scale`·(this − target)·grad, negated when `negate`; `grad` is 0-dim or this's shape.
    abstract TryMseGrad: target: RawTensor * scale: float * grad: RawTensor * negate: bool -> RawTensor
