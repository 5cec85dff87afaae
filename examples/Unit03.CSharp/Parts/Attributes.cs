using Fluxion;
using Fluxion.CSharp;

namespace Unit03;

/// <summary>Tensor attributes and data types: cells 12 to 26.</summary>
public static class Attributes
{
    // Fluxion computes on the CPU (its managed backend and its libtorch backend alike), PyTorch's device "cpu".
    private const string Device = "cpu";

    public static void Run(Notebook nb)
    {
        nb.Section("Tensor attributes and data types");

        // cell 12: attributes and methods
        var x = Torch.Ones(3, 4, 5);
        nb.Print($"Tensor shape: {x.Shape}");
        nb.Print($"Tensor size: {x.Shape}");
        nb.Print($"Size in 2nd dimension: {x.Size(1)}");
        nb.Print($"Number of dimensions: {x.Dim}");
        nb.Print($"Data type: {Py.Str(x.Dtype)}");
        nb.Print($"Device: {Device}");
        nb.Print();
        var y = x[0, 0, 0];
        nb.Print($"Single element tensor: {y}");
        nb.Print($"PyTorch data type: {Py.Str(y.Dtype)}");
        nb.Print($"As Python number: {Py.Item(y)}");
        nb.Print($"Python data type: {Py.ItemType(y)}");

        // cell 15: NumPy's size is the element count, PyTorch's size() the shape
        var xNp = new double[3, 4, 5];
        nb.Print($"x_np.size:  {xNp.Length}");
        var xTorch = Torch.Ones(3, 4, 5);
        nb.Print($"x_torch.size(): {xTorch.Shape}");
        nb.Print($"x_torch.numel(): {xTorch.Numel()}");

        // cell 17: a 0-dim tensor against 1-D tensors of one element
        var x1 = Torch.Tensor(2, Torch.Int64);
        nb.Print($"x1 = {x1}");
        nb.Print($"x1.shape: {x1.Shape}");
        nb.Print($"x1.item(): {Py.Item(x1)}");
        nb.Print();
        var x2 = Torch.Tensor(new long[] { 2 });
        nb.Print($"x2 = {x2}");
        nb.Print($"x2.shape: {x2.Shape}");
        nb.Print($"x2.tolist(): {Py.List(x2.ToInt64Array())}");
        nb.Print();
        var x3 = Torch.Tensor(new long[] { 2 });
        nb.Print($"x3 = {x3}");
        nb.Print($"x3.shape: {x3.Shape}");
        nb.Print($"x3.tolist(): {Py.List(x3.ToInt64Array())}");

        // cell 19: inferred and requested dtypes
        nb.Print($"Data type: {Py.Str(Torch.Tensor(new long[] { 1, 2, 3 }).Dtype)}");
        nb.Print($"Data type: {Py.Str(Torch.Tensor(new double[] { 1, 2, 3 }, Torch.Float32).Dtype)}");
        nb.Print($"Data type: {Py.Str(Torch.Tensor(new long[] { 1, 2, 3 }, Torch.Int32).Dtype)}");
        nb.Print($"Data type: {Py.Str(Torch.Tensor(new double[] { 1, 2, 3 }).Dtype)}");
        nb.Print($"Data type: {Py.Str(Torch.Ones(1, 2).Dtype)}");

        // cell 21: casting truncates the decimals
        var xf = Torch.Tensor(new[] { 1.234, 2.1, 3.3 });
        nb.Print($"x  = {xf}");
        nb.Print($"Data type of x: {Py.Str(xf.Dtype)}");
        var y1 = xf.Type(Torch.Int32);
        nb.Print($"\ny1 = {y1}");
        nb.Print($"Data type of y1: {Py.Str(y1.Dtype)}");
        var y2 = xf.To(Torch.Int32);
        nb.Print($"\ny2 = {y2}");
        nb.Print($"Data type of y2: {Py.Str(y2.Dtype)}");

        // cell 24: from_numpy keeps float64 and shares memory; .to() to another dtype copies, to the same dtype does not
        double[] xNp64 = { 1, 2, 3 };
        var xT = Torch.FromNumPy(xNp64);
        nb.Print("Data type for x_np: float64");
        nb.Print($"Data type for x_torch: {Py.Str(xT.Dtype)}");
        var yTorch = Torch.Tensor(new[] { 1.0, 2.0, 3.0 });
        float[] yNp = yTorch.ToArray();
        nb.Print($"\nData type for y_torch: {Py.Str(yTorch.Dtype)}");
        nb.Print($"Data type for y_np: {NumPyDtype(yNp)}");
        var aTorch = Torch.FromNumPy(xNp64).To(Torch.Float32);
        nb.Print($"\nData type for a_torch: {Py.Str(aTorch.Dtype)}");
        aTorch[2] = 5;
        nb.Print($"Modified tensor a_torch = {aTorch}");
        nb.Print($"Original array x_np = {NumPy.Str(xNp64)}");
        var bTorch = Torch.FromNumPy(xNp64).To(Torch.Float64);
        nb.Print($"\nData type for b_torch: {Py.Str(bTorch.Dtype)}");
        bTorch[2] = 5;
        nb.Print($"Modified tensor b_torch = {bTorch}");
        nb.Print($"Original array x_np = {NumPy.Str(xNp64)}");

        // cell 26: device and dtype in one .to() (no GPU: everything stays on the CPU)
        var xi = Torch.Tensor(new long[] { 1, 2, 3 });
        nb.Print($"Original tensor: device = {Device}, dtype = {Py.Str(xi.Dtype)}");
        var z = xi.To(Torch.Float64);
        nb.Print($"Converted tensor: device = {Device}, dtype = {Py.Str(z.Dtype)}");
    }

    // x.numpy().dtype: the array's element type in NumPy's words.
    private static string NumPyDtype(float[] _) => "float32";
}
