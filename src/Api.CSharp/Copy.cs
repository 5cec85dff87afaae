using Fluxion.Nn;

namespace Fluxion.CSharp;

/// <summary>Deep copies as Python's <c>copy.deepcopy</c> makes them of modules and state dicts.</summary>
public static class Copy
{
    /// <summary><c>copy.deepcopy(model)</c>: the same structure and type with its own parameters and buffers (gradients are not copied; generators are shared).</summary>
    public static T DeepCopy<T>(T model) where T : Module
    {
        ArgumentNullException.ThrowIfNull(model);
        return Module.DeepCopy(model);
    }

    /// <summary><c>copy.deepcopy(model.state_dict())</c>: the same keys in order, each tensor with its own storage.</summary>
    public static StateDict DeepCopy(StateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        return stateDict.DeepCopy();
    }
}
