using Fluxion;
using Fluxion.Course;
using Fluxion.CSharp;
using Fluxion.Optim;

namespace Unit07;

/// <summary>Exercise 1: the binary cross-entropy of a probability p against labels 1 and 0 (a figure only).</summary>
public static class Exercise1
{
    /// <summary>−[y log p + (1 − y) log(1 − p)] with p clipped to [1e-10, 1 − 1e-10].</summary>
    public static double BinaryCrossEntropy(double p, double y)
    {
        const double eps = 1e-10;   // keeps log away from 0
        p = Math.Clamp(p, eps, 1 - eps);
        return -(y * Math.Log(p) + (1 - y) * Math.Log(1 - p));
    }

    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 1: binary cross-entropy loss");
        var pVals = NumPy.Linspace(0.001, 0.999, 400);
        var lossY1 = pVals.Select(p => BinaryCrossEntropy(p, 1)).ToArray();
        var lossY0 = pVals.Select(p => BinaryCrossEntropy(p, 0)).ToArray();
        nb.Show(() => ClassPlots.BceCurves(pVals, lossY1, lossY0));
    }
}

/// <summary>Exercise 2: softmax probabilities and cross-entropy losses of ten logit vectors over four classes.</summary>
public static class Exercise2
{
    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 2: softmax and cross-entropy in multiclass classification");
        (double[] Logits, long Target)[] examples =
        [
            ([0.0, 0.0, 0.0, 0.0], 0),
            ([1.0, 0.0, 0.0, 0.0], 0),
            ([1.0, 0.0, 0.0, 0.0], 1),
            ([2.0, 0.0, 0.0, 0.0], 0),
            ([2.0, 0.0, 0.0, 0.0], 1),
            ([1.0, 2.0, 3.0, 4.0], 3),
            ([6.0, 1.0, 2.0, 1.0], 0),
            ([6.0, 1.0, 2.0, 1.0], 1),
            ([6.0, 0.1, 2.0, 1.0], 1),
            ([6.0, -1.1, 2.0, 1.0], 1),
        ];
        nb.Print($"{"Example",-8} {"Logit vector z",-22} {"Probability vector p = softmax(z)",-35} {"Target",-6} {"Loss",-8}");
        nb.Print(new string('-', 81));
        var losses = new List<double>();
        for (int i = 0; i < examples.Length; i++)
        {
            var logits = Torch.Tensor(examples[i].Logits);
            long target = examples[i].Target;
            var probs = F.Softmax(logits, 0);
            var logProbs = probs.Log();
            var loss = -logProbs[(int)target];
            losses.Add(loss.Item());
            // Python formats each float32 element as a double: {z:.1f}, {p:.4f}.
            string logitsStr = "[" + string.Join(", ", logits.ToArray().Select(z => ((double)z).ToString("F1"))) + "]";
            string probsStr = "[" + string.Join(", ", probs.ToArray().Select(p => ((double)p).ToString("F4"))) + "]";
            nb.Print($"{i + 1,-8} {logitsStr,-22} {probsStr,-35} {target,-6} {loss.Item().ToString("F4"),-8}");
        }
        double meanManual = losses.Sum() / losses.Count;
        nb.Print($"\nTotal Cross-Entropy Loss (mean, manual): {Fluxion.Printing.PyFormat.floatRepr(Math.Round(meanManual, 4))}");
        var logitsTensor = Torch.Tensor(examples.Select(e => e.Logits).ToArray());
        var targetsTensor = Torch.Tensor(examples.Select(e => e.Target).ToArray());
        double meanBuiltin = F.CrossEntropy(logitsTensor, targetsTensor).Item();
        nb.Print($"Total Cross-Entropy Loss (mean, F.cross_entropy): {Fluxion.Printing.PyFormat.floatRepr(Math.Round(meanBuiltin, 4))}");
    }
}

/// <summary>Exercise 3: a single Linear layer classifies the six frequency bands from 40 normalized FFT magnitudes.</summary>
public static class Exercise3
{
    public static readonly string[] ClassNames = ["[0,2)", "[2,4)", "[4,6)", "[6,8)", "[8,10)", "[10,\u221e)"];

    /// <summary>np.abs(np.fft.rfft(X))[:, :40], each row divided by max(its maximum, 1e-8), in float64, then float32 (N, 1, 40).</summary>
    public static Tensor FftFeatures(double[][] x)
    {
        int n = x.Length, len = x[0].Length;
        var flat = x.SelectMany(row => row).ToArray();
        var spectrum = Fft.Rfft(Torch.FromArray(flat, n, len)).Abs().Slice(1, 0, 40);
        var peak = spectrum.Max(1, keepDim: true).Values;
        var features = spectrum / peak.Maximum(Torch.FullLike(peak, 1e-8));
        return features.Float().Unsqueeze(1);
    }

    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 3: frequency classification from FFT features");
        NumPy.Random.Seed(0);
        Torch.ManualSeed(0);
        var (t, x, y) = Unit07Datasets.Waveforms(256, 1000);
        var xFftTensor = FftFeatures(x);
        var yClass = NumPy.Digitize(y.Select(row => row[1]).ToArray(), Multiclass.Bins).Select(b => b - 1).ToArray();
        var yClassTensor = Torch.Tensor(yClass);
        var dataset = new WaveformDataset(xFftTensor, yClassTensor);
        var dataloader = new DataLoader(dataset, batchSize: 32, shuffle: true);

        var model = new FFTClassifier();
        var criterion = Nn.CrossEntropyLoss();
        var optimizer = new Adam(model.Parameters(), lr: 0.05);
        nb.Print("\nModel summary using torchinfo.summary:\n");
        nb.Print(Nn.Summary(model, [32, 1, 40], colWidth: 20));
        nb.Print("\nTraining model...\n");
        int nEpochs = 10;
        using var progress = TrainingBar.Start("ex3: FFTClassifier", nEpochs);
        for (int epoch = 0; epoch < nEpochs; epoch++)
        {
            model.Train();
            double totalLoss = 0;
            double correct = 0;
            foreach (var (xBatch, yBatch) in dataloader)
            {
                var logits = model.Call(xBatch);
                var loss = criterion.Invoke(logits, yBatch);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                totalLoss += loss.Item();
                correct += logits.ArgMax(1).Eq(yBatch).Sum().Item();
            }
            double acc = 100 * correct / dataset.Count;
            progress.Report(epoch + 1, totalLoss);
            nb.Print($"Epoch {epoch + 1,2}/{nEpochs} | Loss: {totalLoss,7:F4} | Accuracy: {acc:F2}%");
        }
        progress.Complete();

        NumPy.Random.Seed(10);
        var (_, xTest, yTest) = Unit07Datasets.Waveforms(256, 1000);
        var xTestTensor = FftFeatures(xTest);
        var yTestClass = NumPy.Digitize(yTest.Select(row => row[1]).ToArray(), Multiclass.Bins).Select(b => b - 1).ToArray();
        var yTestTensor = Torch.Tensor(yTestClass);
        model.Eval();
        Tensor preds;
        double testAccuracy;
        using (Torch.NoGrad())
        {
            preds = model.Call(xTestTensor).ArgMax(1);
            testAccuracy = preds.Eq(yTestTensor).Float().Mean().Item();
        }
        nb.Print($"\nTest Accuracy: {testAccuracy * 100:F2}%");
        var predArray = preds.ToArray().Select(v => (long)v).ToArray();
        nb.Show(() => ClassPlots.ConfusionMatrix(yTestClass, predArray, ClassNames, "Confusion Matrix"));
    }
}

/// <summary>Exercise 4: an MLP separates two intertwined spirals and a blob; decision regions on training and new data.</summary>
/// <remarks>The training is chaotic (one ulp in one initial weight changes the loss by 0.54 at step 900), yet every
/// printed loss equals PyTorch 1.13's: the products and reductions round as PyTorch's CPU kernels do. The course's
/// own stored output differs from PyTorch 1.13 from epoch 30.</remarks>
public static class Exercise4
{
    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 4: classification of intertwined 2D point clouds");
        var (points, labels) = Unit07Datasets.Pointcloud(300, 0.15, 0);
        var dataset = new WaveformDataset(Torch.Tensor(points), Torch.Tensor(labels));
        int batchSize = 64;
        var dataloader = new DataLoader(dataset, batchSize: batchSize, shuffle: true);
        nb.Show(() => ClassPlots.PointCloud(points, labels, "Point Cloud"));

        Torch.ManualSeed(0);
        var model = new SimpleMLP(inputDim: 2, hiddenDim: 32, numClasses: 3);
        nb.Print("\nModel summary using torchinfo.summary:\n");
        nb.Print(Nn.Summary(model, [batchSize, 2], colWidth: 20));
        var criterion = Nn.CrossEntropyLoss();
        var optimizer = new Adam(model.Parameters(), lr: 0.01);
        int nEpochs = 100;
        var losses = new double[nEpochs];
        using var progress = TrainingBar.Start("ex4: SimpleMLP", nEpochs);
        for (int epoch = 0; epoch < nEpochs; epoch++)
        {
            double totalLoss = 0, correct = 0;
            int total = 0;
            foreach (var (xBatch, yBatch) in dataloader)
            {
                var logits = model.Call(xBatch);
                var loss = criterion.Invoke(logits, yBatch);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                totalLoss += loss.Item();
                correct += logits.ArgMax(1).Eq(yBatch).Sum().Item();
                total += yBatch.Size(0);
            }
            losses[epoch] = totalLoss;
            progress.Report(epoch + 1, totalLoss);
            if ((epoch + 1) % 10 == 0 || epoch == 0)
                nb.Print($"Epoch {epoch + 1,3}/{nEpochs} | Loss: {totalLoss,7:F4} | Accuracy: {100 * correct / total:F2}%");
        }
        progress.Complete();
        nb.Show(() => Plots.LossCurves(new[] { ("SimpleMLP: summed cross-entropy per epoch", losses) }));
        model.Eval();
        double accuracy = ClassPlots.Accuracy(model, points, labels);
        nb.Print($"\nFinal accuracy (entire training set; not averaged over batches): {accuracy:F2}%");
        nb.Show(() => ClassPlots.DecisionRegions(model, points, labels, "Model Decision Regions"));

        // Cell 45: a new point cloud (more noise, another seed) as a test set.
        var (testPoints, testLabels) = Unit07Datasets.Pointcloud(300, 0.30, 3);
        nb.Show(() => ClassPlots.DecisionRegions(model, testPoints, testLabels, "Model Decision Regions"));
    }
}
