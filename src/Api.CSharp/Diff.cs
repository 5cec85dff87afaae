namespace Fluxion.CSharp;

/// <summary>Functional differentiation (DiffSharp/JAX style) over <see cref="Func{T, TResult}"/>s; nests freely.</summary>
public static class Diff
{
    private static Microsoft.FSharp.Core.FSharpFunc<Tensor, Tensor> F(Func<Tensor, Tensor> f)
    {
        // Checked here: wrapped, a null delegate would only fail inside the sweep with a NullReferenceException.
        ArgumentNullException.ThrowIfNull(f);
        return Microsoft.FSharp.Core.FSharpFunc<Tensor, Tensor>.FromConverter(x => f(x));
    }

    /// <summary>The gradient of a scalar function of a parameter tree, as a tree of the same shape.</summary>
    public static ParamTree Grad(Func<ParamTree, Tensor> f, ParamTree parameters) =>
        new(Fluxion.Nn.ParamsModule.grad(Fn.Of<Fluxion.Nn.Params, Tensor>(p => f(new ParamTree(p))), parameters.Tree));
    /// <summary>The value and gradient of a scalar function of a parameter tree.</summary>
    public static (Tensor Value, ParamTree Gradient) ValueAndGrad(Func<ParamTree, Tensor> f, ParamTree parameters)
    {
        var r = Fluxion.Nn.ParamsModule.valueAndGrad(Fn.Of<Fluxion.Nn.Params, Tensor>(p => f(new ParamTree(p))), parameters.Tree);
        return (r.Item1, new ParamTree(r.Item2));
    }
    /// <summary>The gradient of a scalar function (reverse mode), in x's shape.</summary>
    public static Tensor Grad(Func<Tensor, Tensor> f, Tensor x) => DiffModule.grad(F(f), x);
    /// <summary>The value and the gradient of a scalar function.</summary>
    public static (Tensor Value, Tensor Gradient) ValueAndGrad(Func<Tensor, Tensor> f, Tensor x) { var r = DiffModule.valueAndGrad(F(f), x); return (r.Item1, r.Item2); }
    /// <summary>Gradients of a scalar function of several tensors.</summary>
    public static Tensor[] Grads(Func<Tensor[], Tensor> f, params Tensor[] xs) =>
        DiffModule.grads(Microsoft.FSharp.Core.FSharpFunc<Tensor[], Tensor>.FromConverter(a => f(a)), xs);
    /// <summary>The derivative along all-ones (for a scalar x, f'(x)), forward mode.</summary>
    public static Tensor Derivative(Func<Tensor, Tensor> f, Tensor x) => DiffModule.diff(F(f), x);
    /// <summary>The n-th derivative by nested forward mode.</summary>
    public static Tensor Derivative(Func<Tensor, Tensor> f, Tensor x, int order) => DiffModule.diffn(order, F(f), x);
    /// <summary>Jacobian-vector product J·v (forward mode) with the value of f.</summary>
    public static (Tensor Value, Tensor Jvp) Jvp(Func<Tensor, Tensor> f, Tensor x, Tensor v) { var r = DiffModule.valueAndJvp(F(f), x, v); return (r.Item1, r.Item2); }
    /// <summary>Vector-Jacobian product vᵀ·J (reverse mode) with the value of f.</summary>
    public static (Tensor Value, Tensor Vjp) Vjp(Func<Tensor, Tensor> f, Tensor x, Tensor v) { var r = DiffModule.valueAndVjp(F(f), x, v); return (r.Item1, r.Item2); }
    /// <summary>The Jacobian, shape f(x).Shape ++ x.Shape.</summary>
    public static Tensor Jacobian(Func<Tensor, Tensor> f, Tensor x) => DiffModule.jacobian(F(f), x);
    /// <summary>The Hessian of a scalar function (forward-over-reverse).</summary>
    public static Tensor Hessian(Func<Tensor, Tensor> f, Tensor x) => DiffModule.hessian(F(f), x);
    /// <summary>The Jacobians of f(x₀, x₁, ...) with respect to each input, shapes f.Shape ++ xᵢ.Shape (torch.autograd.functional.jacobian with a tuple).</summary>
    public static Tensor[] Jacobian(Func<Tensor[], Tensor> f, params Tensor[] inputs) =>
        DiffModule.jacobianN(Microsoft.FSharp.Core.FSharpFunc<Tensor[], Tensor>.FromConverter(a => f(a)), inputs);
    /// <summary>The Hessian blocks of a scalar f(x₀, x₁, ...): result[i][j] has shape xᵢ.Shape ++ xⱼ.Shape (torch.autograd.functional.hessian with a tuple).</summary>
    public static Tensor[][] Hessian(Func<Tensor[], Tensor> f, params Tensor[] inputs) =>
        DiffModule.hessianN(Microsoft.FSharp.Core.FSharpFunc<Tensor[], Tensor>.FromConverter(a => f(a)), inputs);
    /// <summary>Hessian-vector product.</summary>
    public static Tensor Hvp(Func<Tensor, Tensor> f, Tensor x, Tensor v) => DiffModule.hvp(F(f), x, v);
    /// <summary>The Laplacian (trace of the Hessian).</summary>
    public static Tensor Laplacian(Func<Tensor, Tensor> f, Tensor x) => DiffModule.laplacian(F(f), x);
    /// <summary>The divergence of a vector field.</summary>
    public static Tensor Divergence(Func<Tensor, Tensor> f, Tensor x) => DiffModule.divergence(F(f), x);
    /// <summary>The curl of a vector field in R³.</summary>
    public static Tensor Curl(Func<Tensor, Tensor> f, Tensor x) => DiffModule.curl(F(f), x);
}
