namespace Fluxion.Nn

open Fluxion

/// A learnable tensor owned by a module (PyTorch's `nn.Parameter`): a leaf that requires grad.
/// Forward passes read `Value`; `Backward()` accumulates into `Grad`; optimizers update the data in place.
[<Sealed; AllowNullLiteral>]
type Parameter(value: Tensor, requiresGrad: bool) =
    let leaf = if requiresGrad then value.Detach().RequiresGrad_() else value.Detach()
    /// A parameter that requires grad.
    new(value: Tensor) = Parameter(value, true)
    /// The leaf tensor used in forward passes (records operations when it requires grad).
    member _.Value = leaf
    /// The data without autodiff (shares storage: in-place changes show in `Value`).
    member _.Data = leaf.Detach()
    /// The gradient accumulated by `Backward()`, or null before the first backward / after `ZeroGrad()`.
    member _.Grad: Tensor = leaf.Grad
    /// Whether backward passes compute a gradient for it.
    member _.RequiresGrad = requiresGrad
    /// The shape as an array (C# sees this as `ShapeArray`).
    [<CompiledName("ShapeArray")>]
    member _.Shape = leaf.Shape
    /// The shape as PyTorch's `torch.Size` (C# sees this as `Shape`).
    [<CompiledName("Shape")>]
    member _.Size = leaf.Size
    /// Number of elements.
    member _.Numel = leaf.Numel
    /// The element type.
    member _.Dtype = leaf.Dtype
    /// Clears the gradient (PyTorch's default `set_to_none=True`).
    member _.ZeroGrad() = leaf.ZeroGrad()
    /// Overwrites the data in place (no graph is recorded).
    member _.SetData(t: Tensor) = leaf.CopyInPlace t
    /// `Parameter containing:` followed by the tensor repr, as PyTorch prints it.
    override _.ToString() = Fluxion.Printing.TensorFormat.parameterRepr (leaf.ToString())
