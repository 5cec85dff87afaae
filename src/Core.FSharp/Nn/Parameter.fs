namespace Fluxion.Nn

open System.Collections.Generic
open Fluxion

/// While a pure (functional) call of a module runs, parameters read their values from a given tree
/// instead of their own data; the scope is per thread, so concurrent calls do not see each other.
[<AbstractClass; Sealed>]
type internal ParameterScope =
    [<System.ThreadStatic; DefaultValue>]
    static val mutable private current: Dictionary<obj, Tensor>
    static member Current = ParameterScope.current
    /// Runs `f` with the given parameter -> value substitutions, restoring the previous scope afterwards.
    static member Run(values: Dictionary<obj, Tensor>, f: unit -> 'T) : 'T =
        let saved = ParameterScope.current
        ParameterScope.current <- values
        try f () finally ParameterScope.current <- saved

/// A learnable tensor owned by a module (PyTorch's `nn.Parameter`): a leaf that requires grad.
/// Forward passes read `Value`; `Backward()` accumulates into `Grad`; optimizers update the data in place.
[<Sealed; AllowNullLiteral>]
type Parameter(value: Tensor, requiresGrad: bool) =
    do if isNull (box value) then raise (System.ArgumentNullException("value", "Parameter: the value tensor is null"))
    // A parameter outlives any step scope it is made in (Keep).
    let leaf = if requiresGrad then value.Detach().RequiresGrad_() else value.Keep().Detach()
    /// A parameter that requires grad.
    new(value: Tensor) = Parameter(value, true)
    /// The leaf tensor used in forward passes (records operations when it requires grad); inside a
    /// module's pure view (`Module.AsFunction`) it is the value supplied for this parameter instead.
    member this.Value: Tensor =
        match ParameterScope.Current with
        | null -> leaf
        | d ->
            match d.TryGetValue(box this) with
            | true, t -> t
            | _ -> leaf
    /// The leaf itself, whatever scope is active (optimizers update its storage).
    member internal _.Leaf = leaf
    /// The data without autodiff (shares storage: in-place changes show in `Value`).
    member _.Data = leaf.Detach()
    /// The value without autodiff, as `Tensor.Detach()` gives it (the same as `Data`).
    member _.Detach() : Tensor = leaf.Detach()
    /// The gradient accumulated by `Backward()`, or null before the first backward / after `ZeroGrad()`.
    [<System.Runtime.CompilerServices.Nullable(2uy)>]
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
    /// `p.[i]`: the sub-tensor at index i (recorded like any op on `Value`).
    member _.Item with get (i: int) = leaf.[i]
    /// `p.[i, j]`.
    member _.Item with get (i: int, j: int) = leaf.[i, j]
    /// Clears the gradient (PyTorch's default `set_to_none=True`).
    member _.ZeroGrad() = leaf.ZeroGrad()
    /// Overwrites the data in place (no graph is recorded).
    member _.SetData(t: Tensor) = leaf.CopyInPlace t
    /// A parameter stands for its value wherever a tensor is expected (C#: `Torch.Relu(p)`, `Tensor t = p`).
    static member op_Implicit(p: Parameter) : Tensor = if isNull p then Unchecked.defaultof<Tensor> else p.Value
    /// `Parameter containing:` followed by the tensor repr, as PyTorch prints it.
    override _.ToString() = Fluxion.Printing.TensorFormat.parameterRepr (leaf.ToString())
