; Read as VP by the script that includes it (W0404-vp-include.vp): its warnings show VP forms.
(defun g ()
  (cond ((= x 1) (logint x)))
  (setint x (/ x 0))
  (return 1))
